using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Tests.Hnsw;

/// <summary>
/// A broad filter takes the unfiltered walk and keeps the passing nodes it meets. Its k answers rank about k / share among
/// all nodes, deeper than the walk's own top k, so at the query's own width it found fewer of the true ones than the
/// unfiltered search does (0.940 against 0.959 at half passing, on 20,000 synthetic vectors; 0.862 against 0.903 here).
/// Widened with the share, it loses at most 0.02 against the unfiltered search at the same search width (0.890 here).
/// </summary>
public sealed class CollectingWalkRecallTests
{
    private const int Count = 6000;
    private const int Dimension = 64;
    private const int Queries = 200;
    private const int K = 10;
    private const int Ef = 40;

    [Fact]
    public void A_broad_filter_finds_its_nearest_passing_nodes_as_often_as_an_unfiltered_search_finds_its_own()
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, rank: 32, seed: 5);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(M: 8, EfConstruction: 64, EfSearch: Ef));
        for (var i = 0; i < Count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        var everything = Enumerable.Range(0, Count).ToArray();
        var unfiltered = Recall(index, vectors[Count..], everything, query => index.Search(query, K, Ef));
        foreach (var perMille in new[] { 300, 500, 750 })
        {
            var allowed = Enumerable.Range(0, Count).Where(node => (int)((uint)(node * 2654435761u) % 1000) < perMille).ToArray();
            var nodes = AllowedNodes.From(allowed, index.NodeCount);
            var width = FilteredSearch.CollectingWidth(Ef, K, allowed.Length / (double)Count);
            Assert.True(width <= 2 * Ef, $"{perMille / 10.0}% passing is meant to take the collecting walk (width {width})");
            var filtered = Recall(index, vectors[Count..], allowed, query => index.SearchCollecting(query, K, width, nodes));
            Assert.True(filtered >= unfiltered - 0.02, $"recall@10 {filtered:0.000} at {perMille / 10.0}% passing, {unfiltered:0.000} unfiltered at ef {Ef}");
        }
    }

    private static double Recall(HnswIndex index, float[][] queries, int[] candidates, Func<float[], List<HnswIndex.Neighbour>> search)
    {
        var found = 0;
        foreach (var query in queries)
        {
            var truth = index.SearchExact(query, K, candidates).Select(n => n.Node).ToHashSet();
            found += search(query).Count(n => truth.Contains(n.Node));
        }

        return found / (double)(queries.Length * K);
    }
}
