using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Tests.Hnsw;

/// <summary>
/// Filtered search picks the cheaper of an exact scan and a graph walk at every share passing, counted in distances
/// (so no timing is involved): a walk through a graph whose nodes are mostly rejected reaches few passing nodes per step,
/// and must not be chosen where scanning the few matching nodes costs a fraction of that.
/// </summary>
public sealed class FilteredSearchCostTests
{
    private const int Count = 8000;
    private const int Dimension = 32;
    private const int Queries = 40;
    private const int K = 10;
    private const int Ef = 64;

    [Fact]
    public void Work_stays_within_twice_the_cheaper_plan_and_recall_at_least_0_95_from_0_1_to_100_percent_passing()
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, seed: 21);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(16, 100, Ef));
        for (var i = 0; i < Count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        var walkChosen = false;
        foreach (var perMille in new[] { 1, 10, 30, 100, 300, 500, 750, 1000 })
        {
            // Scatter the passing nodes (a multiplicative hash of the node), as metadata unrelated to insertion order would.
            var allowed = Enumerable.Range(0, Count).Where(node => (int)((uint)(node * 2654435761u) % 1000) < perMille).ToArray();
            var flags = new bool[index.NodeCount];
            Array.ForEach(allowed, node => flags[node] = true);
            var nodes = AllowedNodes.From(allowed, index.NodeCount);
            var width = FilteredSearch.WalkWidth(Ef, allowed.Length / (double)Count);
            double chosen = 0, exact = 0, walk = 0;
            var found = 0;
            foreach (var query in vectors[Count..])
            {
                var truth = index.SearchExact(query, K, allowed).Select(n => n.Node).ToHashSet();
                exact += Cost(index, () => index.SearchExact(query, K, allowed));
                walk += Cost(index, () => index.SearchPassing(query, K, width, nodes));
                var walkedBefore = index.WalkDistances;
                List<HnswIndex.Neighbour> hits = [];
                chosen += Cost(index, () => hits = FilteredSearch.Run(index, query, K, Ef, allowed));
                walkChosen |= index.WalkDistances > walkedBefore;
                Assert.All(hits, hit => Assert.True(flags[hit.Node]));
                found += hits.Count(hit => truth.Contains(hit.Node));
            }

            Assert.True(chosen <= 2 * Math.Min(exact, walk), $"{perMille / 10.0}% passing: {chosen / Queries:0} distance units a query, exact {exact / Queries:0}, walk {walk / Queries:0}");
            var recall = found / (double)(Math.Min(K, allowed.Length) * Queries);
            Assert.True(recall >= 0.95, $"recall@10 {recall:0.000} at {perMille / 10.0}% passing");
        }

        Assert.True(walkChosen, "no share passing took the graph walk, so only the exact path was tested");
    }

    /// <summary>The distances <paramref name="search"/> computed, a walk's weighted by what each costs against a scan's.</summary>
    private static double Cost(HnswIndex index, Action search)
    {
        var (walk, scan) = (index.WalkDistances, index.ScanDistances);
        search();
        return ((index.WalkDistances - walk) * FilteredSearch.WalkDistanceCost) + (index.ScanDistances - scan);
    }
}
