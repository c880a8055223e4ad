using System.Numerics.Tensors;
using Strata.Data.Collections;

namespace Strata.Data.Search;

/// <summary>Maximal marginal relevance (Carbonell and Goldstein, 1998): trade relevance against redundancy among results.</summary>
public static class MaximalMarginalRelevance
{
    /// <summary>
    /// Dense hits as <paramref name="options"/> ask: unchanged without an MMR λ; otherwise the K picked by MMR from the
    /// pool (<see cref="SearchOptions.DenseCandidates"/>, read with vectors), their vectors kept only when asked for.
    /// </summary>
    internal static IReadOnlyList<SearchHit> Apply(IReadOnlyList<SearchHit> hits, SearchOptions options)
    {
        if (options.MmrLambda is not { } lambda)
        {
            return hits;
        }

        var order = Select(hits.Select(h => (h.Score, h.Vector!)).ToList(), options.K, lambda);
        return [.. order.Select(i => options.IncludeVectors ? hits[i] : hits[i] with { Vector = null })];
    }

    /// <summary>
    /// Picks <paramref name="k"/> of the <paramref name="candidates"/> (index, relevance, vector), each time the one
    /// maximising λ·relevance − (1−λ)·max cosine to those already picked. Returns indexes into candidates.
    /// </summary>
    public static IReadOnlyList<int> Select(IReadOnlyList<(double Relevance, float[] Vector)> candidates, int k, double lambda)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var picked = new List<int>();
        var remaining = Enumerable.Range(0, candidates.Count).ToList();
        while (picked.Count < k && remaining.Count > 0)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            foreach (var i in remaining)
            {
                var redundancy = picked.Count == 0 ? 0 : picked.Max(j => (double)TensorPrimitives.CosineSimilarity(candidates[i].Vector, candidates[j].Vector));
                var score = (lambda * candidates[i].Relevance) - ((1 - lambda) * redundancy);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = i;
                }
            }

            picked.Add(best);
            remaining.Remove(best);
        }

        return picked;
    }
}
