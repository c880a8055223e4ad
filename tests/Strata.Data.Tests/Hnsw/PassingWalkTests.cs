using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Tests.Hnsw;

/// <summary>
/// The walk over passing nodes (two hops across failing ones, distances to passing nodes only): its answers all pass
/// and are live, it finds the true nearest passing nodes (against an exact scan of them), also after deletes and
/// replacements, and it computes far fewer distances than a walk that pays for every rejected node it meets.
/// </summary>
public sealed class PassingWalkTests
{
    private const int Count = 6000;
    private const int Dimension = 48;
    private const int Queries = 100;
    private const int K = 10;
    private const int Ef = 48;

    [Fact]
    public void Answers_pass_are_live_and_match_an_exact_scan_of_the_passing_nodes_after_deletes_and_replacements()
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries + 500, Dimension, rank: 24, seed: 13);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(16, 100, Ef));
        for (var i = 0; i < Count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        // Tombstones: 500 deleted, 500 replaced by new vectors (their old nodes stay in the graph as routers).
        for (var i = 0; i < 500; i++)
        {
            index.Delete($"v{i * 7}");
            index.Upsert($"v{(i * 7) + 1}", vectors[Count + Queries + i]);
        }

        var random = new Random(3);
        foreach (var perMille in new[] { 100, 200, 300, 500 })
        {
            // Passing is decided per id (as metadata would be); a tombstone's node number may still be in the set.
            var passingIds = Enumerable.Range(0, Count).Where(_ => random.Next(1000) < perMille).Select(i => $"v{i}").ToHashSet();
            var allowed = Enumerable.Range(0, index.NodeCount).Where(node => passingIds.Contains(index.IdOf(node))).ToArray();
            var live = allowed.Where(node => index.TryGetNode(index.IdOf(node), out var current) && current == node).ToHashSet();
            var nodes = AllowedNodes.From(allowed, index.NodeCount);
            var found = 0;
            foreach (var query in vectors[Count..(Count + Queries)])
            {
                var truth = index.SearchExact(query, K, allowed).Select(n => n.Node).ToHashSet();
                var hits = index.SearchPassing(query, K, Ef, nodes);
                Assert.NotNull(hits);
                Assert.Equal(K, hits.Count);
                Assert.All(hits, hit => Assert.Contains(hit.Node, live));
                Assert.Equal(hits.Count, hits.Select(h => h.Node).Distinct().Count());
                Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Distance <= pair.Second.Distance), "answers are closest first");
                found += hits.Count(hit => truth.Contains(hit.Node));
            }

            var recall = found / (double)(Queries * K);
            Assert.True(recall >= 0.95, $"recall@10 {recall:0.000} at {perMille / 10.0}% passing");
        }
    }

    [Fact]
    public void Computes_fewer_distances_than_a_walk_that_pays_for_rejected_nodes_at_equal_or_better_recall()
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, rank: 24, seed: 17);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(16, 100, Ef));
        for (var i = 0; i < Count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        foreach (var perMille in new[] { 100, 200 })
        {
            var allowed = Enumerable.Range(0, Count).Where(node => (int)((uint)(node * 2654435761u) % 1000) < perMille).ToArray();
            var nodes = AllowedNodes.From(allowed, index.NodeCount);
            long passingDistances = 0, acceptDistances = 0;
            int passingFound = 0, acceptFound = 0;
            foreach (var query in vectors[Count..])
            {
                var truth = index.SearchExact(query, K, allowed).Select(n => n.Node).ToHashSet();
                var before = index.WalkDistances;
                passingFound += index.SearchPassing(query, K, Ef, nodes)!.Count(hit => truth.Contains(hit.Node));
                passingDistances += index.WalkDistances - before;
                before = index.WalkDistances;
                acceptFound += index.Search(query, K, Ef, nodes.Contains).Count(hit => truth.Contains(hit.Node));
                acceptDistances += index.WalkDistances - before;
            }

            Assert.True(passingFound >= acceptFound - (Queries * K / 100), $"{perMille / 10.0}% passing: {passingFound} found against {acceptFound}");
            Assert.True(passingDistances < acceptDistances / 2, $"{perMille / 10.0}% passing: {passingDistances / Queries} distances a query against {acceptDistances / Queries}");
        }
    }
}
