using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Hnsw;
using Strata.Data.Search;

namespace Strata.Data.Tests.Hnsw;

public sealed class HnswRecallTests
{
    private const int Count = 4000;
    private const int Dimension = 96;
    private const int Queries = 100;
    private const int K = 10;

    [Fact]
    public void Recall_at_10_on_low_rank_vectors_is_at_least_0_95()
    {
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, seed: 11);
        var index = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(M: 16, EfConstruction: 100, EfSearch: 64));
        for (var i = 0; i < Count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        var items = Enumerable.Range(0, Count).Select(i => ($"v{i}", vectors[i])).ToArray();
        var hits = 0;
        for (var q = Count; q < Count + Queries; q++)
        {
            var truth = SyntheticVectors.BruteForce(vectors[q], items, K);
            hits += index.Search(vectors[q], K, 64).Count(n => truth.Contains(index.IdOf(n.Node)));
        }

        Assert.True(hits / (double)(Queries * K) >= 0.95, $"recall@10 = {hits / (double)(Queries * K):0.000}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    public async Task Filtered_recall_at_10_is_at_least_0_95_at_every_selectivity(int percent)
    {
        using var directory = new TemporaryFolder();
        var vectors = SyntheticVectors.LowRank(Count + Queries, Dimension, seed: 13);
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("filtered", Dimension, Hnsw: new HnswParameters(16, 100, 64)));
        var records = SyntheticVectors.Records(vectors[..Count], i => new JsonObject { ["bucket"] = i % 100 });
        foreach (var batch in records.Chunk(1000))
        {
            await collection.UpsertAsync(batch);
        }

        var filter = MetadataFilter.Parse($$"""{"field":"bucket","lt":{{percent}}}""");
        var passing = records.Where(r => FilterPredicate.Matches(filter, r.Metadata)).Select(r => (r.Id, r.Vector)).ToArray();
        Assert.Equal(Count * percent / 100, passing.Length);
        var hits = 0;
        for (var q = Count; q < Count + Queries; q++)
        {
            var truth = SyntheticVectors.BruteForce(vectors[q], passing, K);
            var found = await collection.SearchAsync(vectors[q], new SearchOptions { K = K, Filter = filter });
            Assert.All(found, hit => Assert.True(hit.Metadata!["bucket"]!.GetValue<int>() < percent));
            hits += found.Count(hit => truth.Contains(hit.Id));
        }

        Assert.True(hits / (double)(Queries * K) >= 0.95, $"filtered recall@10 at {percent}% = {hits / (double)(Queries * K):0.000}");
    }
}
