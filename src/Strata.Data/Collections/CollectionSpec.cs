using System.Text.RegularExpressions;

namespace Strata.Data.Collections;

/// <summary>What a collection is: its name, vector dimension, distance, embedding model and index parameters.</summary>
/// <param name="Name">Letters, digits, '_' and '-', at most 64 characters, starting with a letter or digit.</param>
/// <param name="Dimension">Length of every vector (1..65536).</param>
/// <param name="Distance">How vectors are compared.</param>
/// <param name="EmbeddingModel">The model that embeds text queries for this collection (for example <c>minilm</c>), if any.</param>
/// <param name="Hnsw">Index parameters; defaults when null.</param>
public sealed partial record CollectionSpec(string Name, int Dimension, DistanceMetric Distance = DistanceMetric.Cosine, string? EmbeddingModel = null, HnswParameters? Hnsw = null)
{
    /// <summary>The index parameters in effect.</summary>
    public HnswParameters IndexParameters => Hnsw ?? new HnswParameters();

    /// <summary>Throws a <see cref="StrataDataException"/> when the spec is not usable.</summary>
    public void Validate()
    {
        ValidateName(Name);
        if (Dimension is < 1 or > 65536)
        {
            throw new StrataDataException($"Collection dimension must be between 1 and 65536, got {Dimension}.");
        }

        IndexParameters.Validate();
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid collection name (it becomes a file name, so it is strict).</summary>
    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            throw new StrataDataException($"Invalid collection name '{name}': use letters, digits, '_' and '-' (at most 64, starting with a letter or digit).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
