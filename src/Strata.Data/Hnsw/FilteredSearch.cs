namespace Strata.Data.Hnsw;

/// <summary>
/// How a filtered query runs: an exact scan of the matching nodes, or a walk of the graph that skips non-matching ones,
/// whichever is expected to cost less. Both costs are counted in vector distances, so the choice does not depend on how fast
/// (or how busy) the machine is.
/// </summary>
internal static class FilteredSearch
{
    /// <summary>
    /// What one distance computed during a graph walk costs, in distances of an exact scan. A walk reads vectors in graph
    /// order (a cache miss each) and keeps two priority queues; a scan streams vectors. Measured on 20,000 × 384 vectors:
    /// 0.6–0.9 µs per walk distance against 0.08–0.22 µs per scan distance.
    /// </summary>
    public const double WalkDistanceCost = 4.0;

    /// <summary>How many times an unfiltered walk's distances the walk over passing nodes is expected to compute, at most.</summary>
    private const double PassingWalkFactor = 1.7;

    /// <summary>
    /// Distances an unfiltered walk computes per unit of search width (about 2M neighbours looked at per expanded node, most
    /// of them already visited): measured 21 per unit at M = 16, 20,000 vectors.
    /// </summary>
    private const double DistancesPerWidthPerM = 1.3;

    /// <summary>
    /// Passing nodes the collecting walk wants among its width, per answer asked for. Its width holds about share × width
    /// passing nodes; the true k nearest passing ones rank about k / share overall, so a width of 2k / share keeps them
    /// well inside what the walk meets (at 50 % passing, k = 10: 40).
    /// </summary>
    public const double CollectingMargin = 2.0;

    /// <summary>The <paramref name="k"/> nearest of <paramref name="allowedNodes"/> (live nodes that pass the filter).</summary>
    public static List<HnswIndex.Neighbour> Run(HnswIndex index, ReadOnlySpan<float> query, int k, int ef, IReadOnlyList<int> allowedNodes) =>
        Run(index, query, k, ef, AllowedNodes.From(allowedNodes, index.NodeCount));

    /// <summary>
    /// The <paramref name="k"/> nearest of <paramref name="allowed"/>, by the cheapest of three plans. A broad filter
    /// (half passing, say) takes the unfiltered walk and collects the passing nodes it meets, at about the cost of an
    /// unfiltered query; a narrow one scans the passing vectors exactly; in between, a walk over the passing nodes only
    /// (<see cref="HnswIndex.SearchPassing"/>), or the scan, whichever is expected to compute fewer distances (Qdrant
    /// chooses between filtered graph walk and scan alike).
    /// </summary>
    public static List<HnswIndex.Neighbour> Run(HnswIndex index, ReadOnlySpan<float> query, int k, int ef, AllowedNodes allowed)
    {
        if (allowed.Count <= ef || index.Count == 0)
        {
            return index.SearchExact(query, k, allowed.Nodes());
        }

        var selectivity = Math.Min(1.0, (double)allowed.Count / index.Count);
        var collectingWidth = CollectingWidth(ef, k, selectivity);
        if (collectingWidth <= 2 * ef)
        {
            var collected = index.SearchCollecting(query, k, collectingWidth, allowed);
            if (collected.Count >= k)
            {
                return collected;
            }
        }

        var width = WalkWidth(ef, selectivity);
        // The walk over passing nodes computes about as many distances as an unfiltered walk of its width, up to
        // PassingWalkFactor times that (measured on 20,000 synthetic vectors at M = 16: 0.98× at 10 % passing, 1.5× at 20 %,
        // 1.65× at 30–50 %), where the accept-only walk it replaced computed 2.3–10× (it paid a distance for every rejected node).
        var expectedWalk = PassingWalkFactor * DistancesPerWidthPerM * index.Parameters.M * width;
        var exactCost = allowed.Count / WalkDistanceCost;
        if (expectedWalk >= exactCost)
        {
            return index.SearchExact(query, k, allowed.Nodes());
        }

        // The estimate can be wrong for a given query (the passing nodes may sit far from it, or form islands the two-hop
        // expansion does not cross): a walk that would cost more than the exact scan stops there, and one that found fewer
        // than k passing nodes gives way to it, so no query costs more than about twice the cheaper plan.
        var found = index.SearchPassing(query, k, width, allowed, (int)Math.Ceiling(exactCost));
        return found is not null && found.Count >= Math.Min(k, allowed.Count) ? found : index.SearchExact(query, k, allowed.Nodes());
    }

    /// <summary>
    /// The width of the collecting walk: the query's own divided by the cube root of the share passing, and at least
    /// <see cref="CollectingMargin"/> × k / share. Walking at the query's own width lost recall on broad filters, because the
    /// k nearest passing nodes rank about k / share overall, deeper than the walk's own top k: on 20,000 synthetic vectors
    /// at ef 72 (unfiltered recall@10 0.959) it gave 0.940 at 50 % passing and 0.918 at 30 %. Measured widths on that set:
    /// ef / share^(1/4) reached 0.959 / 0.958 / 0.956 / 0.946 at 50 / 30 / 20 / 15 %, ef / share^(1/3) 0.965 / 0.966 /
    /// 0.966 / 0.960, so the cube root holds recall at every share the walk serves, for about 1.26× an unfiltered query's
    /// distances at 50 %.
    /// </summary>
    public static int CollectingWidth(int ef, int k, double selectivity) =>
        (int)Math.Min(10_000, Math.Max(Math.Ceiling(ef / Math.Cbrt(selectivity)), Math.Ceiling(CollectingMargin * k / selectivity)));

    /// <summary>
    /// The search width of the walk over passing nodes. Its beam holds passing nodes only, so down to about 10 % passing
    /// the query's own width suffices (recall@10 0.998 at 10 %, 0.995 at 20 %, ef 72, 20,000 synthetic vectors); below,
    /// two hops reach fewer passing nodes per step, so the beam widens with 1 / √share (at most 4×).
    /// </summary>
    public static int WalkWidth(int ef, double selectivity) =>
        (int)Math.Min(10_000, ef * Math.Clamp(Math.Sqrt(0.1 / selectivity), 1.0, 4.0));
}
