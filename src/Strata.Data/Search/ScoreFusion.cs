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
    /// Hybrid fusion with document-level evidence. Every candidate of <paramref name="dense"/> and <paramref name="text"/>
    /// whose source (<paramref name="sourceOf"/>) is known also gets its document's scores: on the dense side the best
    /// score of that document's records in <paramref name="dense"/>, normalised over the documents listed there and
    /// weighted by <see cref="SearchOptions.DocumentDenseShare"/> of the dense weight; on the text side the document's
    /// normalised score in <paramref name="documents"/>, weighted by <see cref="SearchOptions.DocumentTextShare"/> of the
    /// text weight. Each record's own score keeps the rest. Candidates without a source keep each whole weight on their own
    /// scores, and a query that ranks no document keeps the whole text weight on the record's own BM25 score; with
    /// neither, this is <see cref="Fuse"/> over the two lists. <paramref name="documentFloor"/>, when given, is the lowest
    /// document score for min-max scaling: the score of the documents a shortened document query left out of
    /// <paramref name="documents"/>.
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
        var textShare = documents.Count == 0 ? 0 : options.DocumentTextShare;
        var documentScores = Normalize(documents, options.Fusion, options.RrfK, documentFloor).ToDictionary(d => d.Id, d => d.Value, StringComparer.Ordinal);
        var denseShare = options.DocumentDenseShare;
        var denseDocumentScores = denseShare > 0
            ? Normalize(BestPerDocument(dense, sourceOf), options.Fusion, options.RrfK).ToDictionary(d => d.Id, d => d.Value, StringComparer.Ordinal)
            : [];
        var denseScores = Normalize(dense, options.Fusion, options.RrfK).ToDictionary(d => d.Id, d => d.Value, StringComparer.Ordinal);
        var textScores = Normalize(text, options.Fusion, options.RrfK).ToDictionary(t => t.Id, t => t.Value, StringComparer.Ordinal);
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var id in denseScores.Keys.Concat(textScores.Keys))
        {
            if (fused.ContainsKey(id))
            {
                continue;
            }

            var ownDense = denseScores.GetValueOrDefault(id);
            var ownText = textScores.GetValueOrDefault(id);
            // A record outside the dense list scores 0 there, but its document may still be near the query through
            // another of its records.
            fused[id] = sourceOf.TryGetValue(id, out var source)
                ? options.DenseWeight * ((1 - denseShare) * ownDense + denseShare * denseDocumentScores.GetValueOrDefault(source))
                    + options.TextWeight * ((1 - textShare) * ownText + textShare * documentScores.GetValueOrDefault(source))
                : options.DenseWeight * ownDense + options.TextWeight * ownText;
        }

        return Top(fused, options.K);
    }

    /// <summary>
    /// Each document's best score among <paramref name="ranked"/> (records whose source is known), best first; ties keep
    /// the order of first appearance, so a list that is already sorted yields its documents in rank order.
    /// </summary>
    private static List<(string Id, double Score)> BestPerDocument(IReadOnlyList<(string Id, double Score)> ranked, IReadOnlyDictionary<string, string> sourceOf)
    {
        var best = new List<(string Id, double Score)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, score) in ranked.OrderByDescending(r => r.Score))
        {
            if (sourceOf.TryGetValue(id, out var source) && seen.Add(source))
            {
                best.Add((source, score));
            }
        }

        return best;
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
