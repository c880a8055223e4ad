using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Tests.Hnsw;

/// <summary>A batch linked by several threads at once makes as good a graph as one linked by one thread.</summary>
public sealed class ParallelInsertTests
{
    private const int Count = 4000;
    private const int Dimension = 96;
    private const int Queries = 100;
    private const int K = 10;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_batch_linked_on_several_threads_keeps_recall_at_10_of_at_least_0_95(int threads)
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, seed: 11);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(M: 16, EfConstruction: 100, EfSearch: 64));
        var items = Enumerable.Range(0, Count).Select(i => ($"v{i}", vectors[i])).ToList();
        index.UpsertMany(items, threads);

        Assert.Equal(Count, index.Count);
        var hits = 0;
        for (var q = Count; q < Count + Queries; q++)
        {
            var truth = SyntheticVectors.BruteForce(vectors[q], items, K);
            hits += index.Search(vectors[q], K, 64).Count(n => truth.Contains(index.IdOf(n.Node)));
        }

        Assert.True(hits / (double)(Queries * K) >= 0.95, $"recall@10 = {hits / (double)(Queries * K):0.000} with {threads} threads");
        // Every record can be reached: each finds itself first.
        Assert.All(Enumerable.Range(0, Count).Where(i => i % 40 == 0), i => Assert.Equal($"v{i}", index.IdOf(index.Search(vectors[i], 1, 64)[0].Node)));
    }

    [Fact]
    public void A_parallel_batch_on_a_filled_index_replaces_ids_it_repeats_and_leaves_one_live_node_per_id()
    {
        var vectors = SyntheticVectors.LowRank(1200, 32, seed: 3);
        var index = new HnswIndex(32, DistanceMetric.Cosine, new HnswParameters(M: 16, EfConstruction: 64, EfSearch: 64));
        index.UpsertMany([.. Enumerable.Range(0, 600).Select(i => ($"v{i}", vectors[i]))], threads: 4);
        // The second batch moves v0..v299 to new vectors and adds v600..v1199; v5 appears twice, the later wins.
        var second = Enumerable.Range(0, 300).Select(i => ($"v{i}", vectors[600 + i]))
            .Concat(Enumerable.Range(600, 600).Select(i => ($"v{i}", vectors[i])))
            .Append(("v5", vectors[1199]))
            .ToList();
        index.UpsertMany(second, threads: 4);

        Assert.Equal(1200, index.Count);
        Assert.Equal(300 + 1, index.TombstoneCount);
        string[] TopTwo(float[] query) => [.. index.Search(query, 2, 64).Select(n => index.IdOf(n.Node)).Order(StringComparer.Ordinal)];
        Assert.Equal(["v1199", "v5"], TopTwo(vectors[1199]));
        Assert.Equal(["v607", "v7"], TopTwo(vectors[607]));
        Assert.Equal("v400", index.IdOf(index.Search(vectors[400], 1, 64)[0].Node));
    }
}
