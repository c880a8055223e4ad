namespace Strata.Data.Collections;

/// <summary>Parameters of a collection's HNSW index.</summary>
/// <param name="M">Links per node on upper layers (twice as many on layer 0).</param>
/// <param name="EfConstruction">Candidate list size while inserting: larger builds slower and finds better links.</param>
/// <param name="EfSearch">Default candidate list size while searching: larger is slower and more accurate.</param>
public sealed record HnswParameters(int M = 16, int EfConstruction = 200, int EfSearch = 64)
{
    /// <summary>Throws when a parameter is out of its sensible range.</summary>
    public void Validate()
    {
        if (M is < 2 or > 128 || EfConstruction is < 1 or > 4096 || EfSearch is < 1 or > 4096)
        {
            throw new StrataDataException($"HNSW parameters out of range (M 2..128, ef 1..4096): M={M}, efConstruction={EfConstruction}, efSearch={EfSearch}.");
        }
    }
}
