namespace Strata.Orchestration.Rag;

/// <summary>How passages are found.</summary>
public enum RetrievalMode
{
    /// <summary>Nearest neighbours of the question's embedding.</summary>
    Dense,

    /// <summary>Full-text ranking (BM25).</summary>
    Bm25,

    /// <summary>Both, fused (reciprocal rank fusion by default).</summary>
    Hybrid,
}
