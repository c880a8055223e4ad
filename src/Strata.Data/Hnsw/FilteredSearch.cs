namespace Strata.Data.Hnsw;

/// <summary>How a filtered query runs, chosen by how much of the collection passes the filter.</summary>
internal static class FilteredSearch
{
    /// <summary>
    /// Below this fraction of the collection passing a filter, exact search over the matching ids beats walking a graph
    /// whose nodes are mostly rejected (and is always exact).
    /// </summary>
    public const double ExactSearchSelectivity = 0.03;

    /// <summary>The <paramref name="k"/> nearest of <paramref name="allowedNodes"/> (live nodes that pass the filter).</summary>
    public static List<HnswIndex.Neighbour> Run(HnswIndex index, ReadOnlySpan<float> query, int k, int ef, IReadOnlyCollection<int> allowedNodes)
    {
        var selectivity = index.Count == 0 ? 0 : (double)allowedNodes.Count / index.Count;
        if (selectivity < ExactSearchSelectivity || allowedNodes.Count <= ef)
        {
            return index.SearchExact(query, k, allowedNodes);
        }

        var allowed = new bool[index.NodeCount];
        foreach (var node in allowedNodes)
        {
            allowed[node] = true;
        }

        // A filter that rejects most nodes leaves fewer good routes to the accepted ones: widen the beam accordingly.
        var widened = (int)Math.Min(10_000, ef * Math.Min(4.0, 1.0 / Math.Sqrt(selectivity)));
        return index.Search(query, k, widened, node => allowed[node]);
    }
}
