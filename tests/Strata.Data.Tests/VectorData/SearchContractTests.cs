using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Strata.Data.Tests.Postgres;
using Strata.Data.VectorData;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// Searching through the Microsoft.Extensions.VectorData contract on each backend: scores by distance function,
/// thresholds, embedding generation from the container's generator, hybrid search, ordering, and failures.
/// </summary>
public abstract class SearchContractTests : ContractBackend
{
    public sealed class Point
    {
        public int Key { get; set; }

        public string Text { get; set; } = "";

        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private async Task<VectorStoreCollection<int, Point>> Points(string name, string distanceFunction, VectorStore? store = null)
    {
        var points = (store ?? Store()).GetCollection<int, Point>(name, new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreDataProperty("Text", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2) { DistanceFunction = distanceFunction },
            ],
        });
        await points.EnsureCollectionExistsAsync();
        await points.UpsertAsync([
            new Point { Key = 1, Text = "same direction", Vector = new float[] { 1, 0 } },
            new Point { Key = 2, Text = "orthogonal", Vector = new float[] { 0, 1 } },
            new Point { Key = 3, Text = "opposite direction", Vector = new float[] { -1, 0 } },
        ]);
        return points;
    }

    // Query (1, 0) against (1, 0), (0, 1) and (-1, 0): the contract's scores, best first, and which records a threshold keeps.
    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity, new[] { 1.0, 0.0, -1.0 }, 0.5, new[] { 1 })]
    [InlineData(DistanceFunction.CosineDistance, new[] { 0.0, 1.0, 2.0 }, 1.5, new[] { 1, 2 })]
    [InlineData(DistanceFunction.DotProductSimilarity, new[] { 1.0, 0.0, -1.0 }, -0.5, new[] { 1, 2 })]
    [InlineData(DistanceFunction.EuclideanDistance, new[] { 0.0, 1.4142135, 2.0 }, 1.5, new[] { 1, 2 })]
    [InlineData(DistanceFunction.EuclideanSquaredDistance, new[] { 0.0, 2.0, 4.0 }, 3.0, new[] { 1, 2 })]
    [InlineData(DistanceFunction.NegativeDotProductSimilarity, new[] { -1.0, 0.0, 1.0 }, -0.5, new[] { 1 })]
    public async Task Scores_follow_the_distance_function_and_thresholds_keep_the_close_records(string distanceFunction, double[] scores, double threshold, int[] kept)
    {
        var points = await Points("scores-" + distanceFunction.ToLowerInvariant(), distanceFunction);
        var query = new ReadOnlyMemory<float>([1, 0]);

        var all = await points.SearchAsync(query, 3).ToListAsync();
        var close = await points.SearchAsync(query, 3, new VectorSearchOptions<Point> { ScoreThreshold = threshold }).Select(r => r.Record.Key).ToListAsync();

        Assert.Equal([1, 2, 3], all.Select(r => r.Record.Key));
        Assert.Equal(scores, all.Select(r => Math.Round(r.Score!.Value, 6)), new RoundedComparer());
        Assert.Equal(kept, close);
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-5;

        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public async Task A_distance_function_Strata_does_not_offer_is_refused() =>
        await Assert.ThrowsAsync<NotSupportedException>(() => Points("refused", DistanceFunction.HammingDistance));

    [Fact]
    public async Task A_collection_dropped_and_recreated_through_one_object_is_the_one_every_other_object_writes_to()
    {
        var store = Store();
        var first = await Points("recreated", DistanceFunction.CosineSimilarity, store);
        var second = store.GetCollection<int, Point>("recreated", new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(int)), new VectorStoreDataProperty("Text", typeof(string)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
        });
        Assert.NotNull(await second.GetAsync(1));

        await first.EnsureCollectionDeletedAsync();
        await first.EnsureCollectionExistsAsync();
        await second.UpsertAsync(new Point { Key = 9, Text = "after the drop", Vector = new float[] { 1, 1 } });

        Assert.Equal("after the drop", (await first.GetAsync(9))!.Text);
        Assert.Null(await first.GetAsync(1));
        Assert.Equal([9], await first.GetAsync(p => true, 10).Select(p => p.Key).ToListAsync());
    }

    [Fact]
    public async Task OrderBy_with_Skip_and_Top_pages_through_the_matching_records()
    {
        var points = await Points("ordered", DistanceFunction.CosineSimilarity);
        await points.UpsertAsync(new Point { Key = 4, Text = "another", Vector = new float[] { 1, 1 } });

        var page = await points.GetAsync(p => p.Key > 1, 2, new FilteredRecordRetrievalOptions<Point>
        {
            OrderBy = order => order.Descending(p => p.Text),
            Skip = 1,
        }).Select(p => p.Key).ToListAsync();

        // Texts of keys 2, 3, 4 descending: "orthogonal", "opposite direction", "another"; skip one, take two.
        Assert.Equal([3, 4], page);
    }

    [Fact]
    public async Task Hybrid_search_is_offered_through_IKeywordHybridSearchable()
    {
        var points = await Points("hybrid", DistanceFunction.CosineSimilarity);
        var hybrid = Assert.IsAssignableFrom<IKeywordHybridSearchable<Point>>(points);

        var results = await hybrid.HybridSearchAsync(new ReadOnlyMemory<float>([0, 1]), ["opposite"], 2).Select(r => r.Record.Key).ToListAsync();
        var filtered = await hybrid.HybridSearchAsync(new ReadOnlyMemory<float>([0, 1]), ["direction"], 3, new HybridSearchOptions<Point> { Filter = p => p.Key != 3 })
            .Select(r => r.Record.Key).ToListAsync();

        Assert.Equal(2, results.Count);
        Assert.Contains(2, results);
        Assert.Contains(3, results);
        Assert.DoesNotContain(3, filtered);
    }

    public sealed class Passage
    {
        [VectorStoreKey]
        public Guid Key { get; set; }

        [VectorStoreData]
        public string Text { get; set; } = "";

        // A string vector property: the container's generator embeds it on upsert, and search strings alike.
        [VectorStoreVector(384)]
        public string? Embedding { get; set; }
    }

    [Fact]
    public async Task The_generator_registered_in_the_container_embeds_on_upsert_and_on_search()
    {
        var passages = Store(withGenerator: true).GetCollection<Guid, Passage>("passages");
        await passages.EnsureCollectionExistsAsync();
        string[] texts = ["Bake the apple pie for forty minutes until the crust is golden.", "The kernel scheduler assigns CPU time to runnable threads.", "Tides are caused by the gravity of the moon."];
        await passages.UpsertAsync(texts.Select(text => new Passage { Key = Guid.NewGuid(), Text = text, Embedding = text }));

        var best = await passages.SearchAsync("how long should a fruit dessert stay in the oven", 1).SingleAsync();

        Assert.Equal(texts[0], best.Record.Text);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await passages.SearchAsync("oven", 1, new VectorSearchOptions<Passage> { IncludeVectors = true }).ToListAsync());
        // Without a generator anywhere, a string is not a vector.
        Assert.Throws<InvalidOperationException>(() => Store().GetCollection<Guid, Passage>("passages"));
    }

    [Fact]
    public async Task The_registration_helpers_give_the_store_and_collections_with_the_container_generator()
    {
        using var services = Services(withGenerator: true, more: services => services
            .AddKeyedStrataVectorStore("second")
            .AddStrataCollection<Guid, Passage>("registered")
            .AddKeyedStrataCollection<Guid, Passage>("k", "registered"));
        var collection = services.GetRequiredService<VectorStoreCollection<Guid, Passage>>();
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(new Passage { Key = Guid.NewGuid(), Text = "a registered passage", Embedding = "a registered passage" });

        var keyed = services.GetRequiredKeyedService<IVectorSearchable<Passage>>("k");
        Assert.Equal("a registered passage", (await keyed.SearchAsync("registered", 1).SingleAsync()).Record.Text);
        Assert.True(await services.GetRequiredKeyedService<VectorStore>("second").CollectionExistsAsync("registered"));
    }

    [Fact]
    public async Task A_backend_failure_is_a_VectorStoreException_naming_collection_and_operation()
    {
        var never = Store().GetCollection<int, Point>("never-created", new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(int)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
        });

        var failure = await Assert.ThrowsAsync<VectorStoreException>(() => never.UpsertAsync(new Point { Key = 1, Vector = new float[] { 1, 0 } }));

        Assert.Equal("never-created", failure.CollectionName);
        Assert.Equal("Upsert", failure.OperationName);
        Assert.Contains("never-created", failure.Message, StringComparison.Ordinal);
    }
}

public sealed class EmbeddedSearchContractTests : SearchContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Embedded(folder);
}

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresSearchContractTests(PostgresFixture fixture) : SearchContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Postgres(fixture);
}
