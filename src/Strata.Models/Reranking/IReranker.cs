namespace Strata.Models.Reranking;

/// <summary>
/// Scores documents against a query and orders them, most relevant first: the second stage after a cheap retriever,
/// which reads query and document together instead of comparing two vectors made apart.
/// </summary>
public interface IReranker : IDisposable
{
    /// <summary>The model's name.</summary>
    string ModelId { get; }

    /// <summary>
    /// The <paramref name="documents"/> ordered by relevance to <paramref name="query"/>, best first, each with its
    /// index in <paramref name="documents"/>; the first <paramref name="topN"/> only when given.
    /// </summary>
    Task<IReadOnlyList<RerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, int? topN = null, CancellationToken cancellationToken = default);
}

/// <summary>One reranked document.</summary>
/// <param name="Index">Its position in the list that was reranked.</param>
/// <param name="RelevanceScore">The model's relevance, higher is better (0..1 for a one-logit cross-encoder: the logit's sigmoid).</param>
public sealed record RerankResult(int Index, double RelevanceScore);
