namespace Strata.Data.Search;

/// <summary>Merges ranked result lists (dense and BM25) into one.</summary>
public static class ScoreFusion
{
    /// <summary>Fuses lists of (id, score), each ranked best first, with their weights; returns the top <paramref name="k"/>.</summary>
    public static IReadOnlyList<(string Id, double Score)> Fuse(
        IReadOnlyList<(IReadOnlyList<(string Id, double Score)> Ranked, double Weight)> lists, FusionMethod method, int k, int rrfK = 60)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (ranked, weight) in lists)
        {
            if (ranked.Count == 0)
            {
                continue;
            }

            var max = ranked.Max(r => r.Score);
            var min = ranked.Min(r => r.Score);
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                var (id, score) = ranked[rank];
                var contribution = method == FusionMethod.ReciprocalRank
                    ? weight / (rrfK + rank + 1)
                    // A list whose scores are all equal carries no ordering information beyond membership.
                    : weight * (max > min ? (score - min) / (max - min) : 1.0);
                fused[id] = fused.GetValueOrDefault(id) + contribution;
            }
        }

        return [.. fused.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).Take(k).Select(pair => (pair.Key, pair.Value))];
    }
}
