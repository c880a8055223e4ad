namespace Strata.Data.Collections;

/// <summary>What a collection is: its name, vector dimension, distance, embedding model and index parameters.</summary>
/// <param name="Name">The collection's name (see <see cref="CollectionSpec.ValidateName"/>).</param>
/// <param name="Dimension">Length of every vector (1..65536).</param>
/// <param name="Distance">How vectors are compared.</param>
/// <param name="EmbeddingModel">The model that embeds text queries for this collection (for example <c>minilm</c>), if any.</param>
/// <param name="Hnsw">Index parameters; defaults when null.</param>
public sealed record CollectionSpec(string Name, int Dimension, DistanceMetric Distance = DistanceMetric.Cosine, string? EmbeddingModel = null, HnswParameters? Hnsw = null)
{
    /// <summary>The index parameters in effect.</summary>
    public HnswParameters IndexParameters => Hnsw ?? new HnswParameters();

    /// <summary>Throws a <see cref="StrataDataException"/> when the spec is not usable (an <see cref="ArgumentException"/> for its name).</summary>
    public void Validate()
    {
        ValidateName(Name);
        if (Dimension is < 1 or > 65536)
        {
            throw new StrataDataException($"Collection dimension must be between 1 and 65536, got {Dimension}.");
        }

        IndexParameters.Validate();
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless <paramref name="name"/> can name a collection on every backend: any
    /// characters but path separators, control characters and broken UTF-16, not <c>.</c> nor containing <c>..</c>, at most
    /// <see cref="CollectionNames.MaxLength"/> characters. The embedded store turns it into a safe file name
    /// (<see cref="CollectionNames.FileStem"/>); PostgreSQL keeps it as text in its catalog.
    /// </summary>
    public static void ValidateName(string name)
    {
        if (CollectionNames.Problem(name) is { } problem)
        {
            throw new ArgumentException($"Invalid collection name '{CollectionNames.Shown(name)}': {problem}.", nameof(name));
        }
    }
}
