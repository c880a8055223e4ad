namespace Strata.Models.Reranking;

/// <summary>Turns per-document scores into a reranked list, the same way for every reranker and for a runner's scores.</summary>
internal static class RerankOrder
{
    /// <summary>Indexes by score, best first (ties in input order), cut to <paramref name="topN"/> when given.</summary>
    public static IEnumerable<RerankResult> Rank(IReadOnlyList<double> scores, int? topN) =>
        scores.Select((score, index) => new RerankResult(index, score))
            .OrderByDescending(r => r.RelevanceScore).ThenBy(r => r.Index)
            .Take(Math.Max(0, topN ?? scores.Count));

    /// <summary>A one-logit head's relevance in 0..1, as sentence-transformers' <c>CrossEncoder</c> reports it.</summary>
    public static double Sigmoid(float logit) => 1 / (1 + Math.Exp(-logit));
}
