namespace Strata.Data.Collections;

/// <summary>How vectors of a collection are compared. Scores are always "higher is more similar".</summary>
public enum DistanceMetric
{
    /// <summary>Cosine similarity; vectors are normalised when indexed. Score = cosine.</summary>
    Cosine,

    /// <summary>Inner product. Score = dot product.</summary>
    Dot,

    /// <summary>Euclidean distance. Score = −distance.</summary>
    L2,

    /// <summary>Manhattan (L1) distance, the sum of the absolute differences. Score = −distance. PostgreSQL needs pgvector 0.7 or later.</summary>
    L1,
}
