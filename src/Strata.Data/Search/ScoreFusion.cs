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
            foreach (var (id, value) in Normalize(ranked, method, rrfK))
            {
                fused[id] = fused.GetValueOrDefault(id) + weight * value;
            }
        }

        return Top(fused, k);
    }

    /// <summary>
    /// Hybrid fusion with document-level text evidence: every candidate of <paramref name="dense"/> and
    /// <paramref name="text"/> whose source (<paramref name="sourceOf"/>) is ranked in <paramref name="documents"/> also
    /// gets that document's normalised score, weighted by <see cref="SearchOptions.DocumentTextShare"/> of the text
    /// weight; its own BM25 score keeps the rest. Candidates without a source, or queries that rank no document, keep
    /// the whole text weight on their own BM25 score, which is <see cref="Fuse"/> over the two lists.
    /// <paramref name="documentFloor"/>, when given, is the lowest document score for min-max scaling: the score of the
    /// documents a shortened document query left out of <paramref name="documents"/>.
    /// </summary>
    public static IReadOnlyList<(string Id, double Score)> FuseHybrid(
        IReadOnlyList<(string Id, double Score)> dense, IReadOnlyList<(string Id, double Score)> text,
        IReadOnlyList<(string Source, double Score)> documents, IReadOnlyDictionary<string, string> sourceOf, SearchOptions options,
        double? documentFloor = null)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(sourceOf);
        ArgumentNullException.ThrowIfNull(options);
        var share = documents.Count == 0 ? 0 : options.DocumentTextShare;
        var documentScores = Normalize(documents, options.Fusion, options.RrfK, documentFloor).ToDictionary(d => d.Id, d => d.Value, StringComparer.Ordinal);
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (id, value) in Normalize(dense, options.Fusion, options.RrfK))
        {
            fused[id] = options.DenseWeight * value;
        }

        var textScores = Normalize(text, options.Fusion, options.RrfK).ToDictionary(t => t.Id, t => t.Value, StringComparer.Ordinal);
        foreach (var id in textScores.Keys)
        {
            fused.TryAdd(id, 0);
        }

        foreach (var id in fused.Keys.ToList())
        {
            var own = textScores.GetValueOrDefault(id);
            fused[id] += sourceOf.TryGetValue(id, out var source) && share > 0
                ? options.TextWeight * ((1 - share) * own + share * documentScores.GetValueOrDefault(source))
                : options.TextWeight * own;
        }

        return Top(fused, options.K);
    }

    /// <summary>Each entry's contribution before its weight: its min-max scaled score, or 1 / (k + rank) for reciprocal rank fusion.</summary>
    private static IEnumerable<(string Id, double Value)> Normalize(IReadOnlyList<(string Id, double Score)> ranked, FusionMethod method, int rrfK, double? floor = null)
    {
        if (ranked.Count == 0)
        {
            yield break;
        }

        var max = ranked.Max(r => r.Score);
        var min = Math.Min(floor ?? double.MaxValue, ranked.Min(r => r.Score));
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            var (id, score) = ranked[rank];
            yield return (id, method == FusionMethod.ReciprocalRank
                ? 1.0 / (rrfK + rank + 1)
                // A list whose scores are all equal carries no ordering information beyond membership.
                : max > min ? (score - min) / (max - min) : 1.0);
        }
    }

    private static IReadOnlyList<(string Id, double Score)> Top(Dictionary<string, double> fused, int k) =>
        [.. fused.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).Take(k).Select(pair => (pair.Key, pair.Value))];
}
