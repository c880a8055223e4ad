using Microsoft.Extensions.VectorData;
using Strata.Data.Tests.Postgres;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// The record models of the Microsoft.Extensions.VectorData contract, through the container's store on each backend:
/// definitions, dynamic records, key types, several vectors, none, and the data types.
/// </summary>
public abstract class RecordModelContractTests : ContractBackend
{
    public sealed class Product
    {
        public int Id { get; set; }

        public string? Name { get; set; }

        public long Stock { get; set; }

        public DateTime Added { get; set; }

        public DateTimeOffset Seen { get; set; }

        public Guid Batch { get; set; }

        public decimal Price { get; set; }

        public float Weight { get; set; }

        public DateOnly Day { get; set; }

        public TimeOnly Hour { get; set; }

        public string[] Tags { get; set; } = [];

        public List<int> Sizes { get; set; } = [];

        public bool? Organic { get; set; }

        public ReadOnlyMemory<float> Look { get; set; }

        public ReadOnlyMemory<float> Taste { get; set; }
    }

    private static VectorStoreCollectionDefinition ProductDefinition(Type keyType) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", keyType) { StorageName = "id" },
            new VectorStoreDataProperty("Name", typeof(string)) { StorageName = "product name", IsFullTextIndexed = true },
            new VectorStoreDataProperty("Stock", typeof(long)),
            new VectorStoreDataProperty("Added", typeof(DateTime)),
            new VectorStoreDataProperty("Seen", typeof(DateTimeOffset)),
            new VectorStoreDataProperty("Batch", typeof(Guid)),
            new VectorStoreDataProperty("Price", typeof(decimal)),
            new VectorStoreDataProperty("Weight", typeof(float)),
            new VectorStoreDataProperty("Day", typeof(DateOnly)),
            new VectorStoreDataProperty("Hour", typeof(TimeOnly)),
            new VectorStoreDataProperty("Tags", typeof(string[])),
            new VectorStoreDataProperty("Sizes", typeof(List<int>)),
            new VectorStoreDataProperty("Organic", typeof(bool?)),
            new VectorStoreVectorProperty("Look", typeof(ReadOnlyMemory<float>), 3) { DistanceFunction = DistanceFunction.CosineSimilarity },
            new VectorStoreVectorProperty("Taste", typeof(ReadOnlyMemory<float>), 2) { DistanceFunction = DistanceFunction.EuclideanDistance },
        ],
    };

    // Stock straddles 2^53, where doubles stop holding every integer: 9007199254740992, ...993 and ...994.
    private static Product Sample(int id) => new()
    {
        Id = id,
        Name = $"product {id}",
        Stock = 9007199254740991 + id,
        Added = new DateTime(2024, 1, id, 10, 30, 15, DateTimeKind.Utc),
        Seen = new DateTimeOffset(2024, 2, id, 8, 0, 0, TimeSpan.FromHours(2)),
        Batch = new Guid($"00000000-0000-0000-0000-{id:D12}"),
        Price = 12.345m + id,
        Weight = 0.1f * id,
        Day = new DateOnly(2024, 3, id),
        Hour = new TimeOnly(id, 15, 30),
        Tags = [$"t{id}", "all"],
        Sizes = [id, id * 10],
        Organic = id % 2 == 0 ? true : null,
        Look = new float[] { 1, id, 0 },
        Taste = new float[] { id, 0 },
    };

    private async Task<VectorStoreCollection<int, Product>> SeededProducts(string name, VectorStore? store = null)
    {
        var products = (store ?? Store()).GetCollection<int, Product>(name, ProductDefinition(typeof(int)));
        await products.EnsureCollectionExistsAsync();
        await products.UpsertAsync([Sample(1), Sample(2), Sample(3)]);
        return products;
    }

    private static void AssertSameData(Product expected, Product actual)
    {
        Assert.Equal(
            (expected.Id, expected.Name, expected.Stock, expected.Added, expected.Seen, expected.Batch, expected.Price, expected.Weight, expected.Day, expected.Hour, expected.Organic),
            (actual.Id, actual.Name, actual.Stock, actual.Added, actual.Seen, actual.Batch, actual.Price, actual.Weight, actual.Day, actual.Hour, actual.Organic));
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Sizes, actual.Sizes);
        Assert.Equal(expected.Added.Kind, actual.Added.Kind);
        Assert.Equal(expected.Seen.Offset, actual.Seen.Offset);
    }

    [Fact]
    public async Task A_definition_maps_every_data_type_and_both_vectors_and_reads_them_back()
    {
        var products = await SeededProducts("products");

        var back = await products.GetAsync(2, new RecordRetrievalOptions { IncludeVectors = true });
        Assert.NotNull(back);
        AssertSameData(Sample(2), back);
        Assert.Equal(Sample(2).Look.ToArray(), back.Look.ToArray());
        Assert.Equal(Sample(2).Taste.ToArray(), back.Taste.ToArray());
        var withoutVectors = await products.GetAsync(1);
        Assert.Null(withoutVectors!.Organic);
        Assert.True(withoutVectors.Look.IsEmpty && withoutVectors.Taste.IsEmpty, "vectors are loaded only when asked for");
        Assert.Equal([1, 3], await products.GetAsync([3, 1, 99]).Select(p => p.Id).OrderBy(id => id).ToListAsync());
    }

    public static TheoryData<string> ProductFilters => [.. Filters.Keys];

    // Each filter selects product 2 alone unless its expected ids say otherwise.
    private static readonly Dictionary<string, (System.Linq.Expressions.Expression<Func<Product, bool>> Filter, int[] Ids)> Filters = new()
    {
        ["long beyond 2^53"] = (p => p.Stock == 9007199254740993, [2]),
        ["long range"] = (p => p.Stock > 9007199254740992, [2, 3]),
        ["DateTime"] = (p => p.Added == new DateTime(2024, 1, 2, 10, 30, 15, DateTimeKind.Utc), [2]),
        ["DateTimeOffset"] = (p => p.Seen == new DateTimeOffset(2024, 2, 2, 8, 0, 0, TimeSpan.FromHours(2)), [2]),
        ["Guid"] = (p => p.Batch == new Guid("00000000-0000-0000-0000-000000000002"), [2]),
        ["decimal"] = (p => p.Price == 14.345m, [2]),
        ["float"] = (p => p.Weight == 0.1f * 2, [2]),
        ["DateOnly"] = (p => p.Day == new DateOnly(2024, 3, 2), [2]),
        ["TimeOnly"] = (p => p.Hour < new TimeOnly(3, 0), [1, 2]),
        ["array contains"] = (p => p.Tags.Contains("t2"), [2]),
        ["list contains"] = (p => p.Sizes.Contains(30), [3]),
        ["value in a list"] = (p => new[] { "product 2", "product 9" }.Contains(p.Name), [2]),
        ["any in a list"] = (p => p.Tags.Any(t => new[] { "t3", "x" }.Contains(t)), [3]),
        ["array equal"] = (p => p.Tags == new[] { "t2", "all" }, [2]),
        ["array in another order"] = (p => p.Tags == new[] { "all", "t2" }, []),
        ["array not equal"] = (p => p.Tags != new[] { "t2", "all" }, [1, 3]),
        ["null"] = (p => p.Organic == null, [1, 3]),
        ["not null"] = (p => p.Organic != null, [2]),
        ["key"] = (p => p.Id >= 2, [2, 3]),
        ["true"] = (p => true, [1, 2, 3]),
        ["not over or"] = (p => !(p.Id == 1 || p.Name == "product 3"), [2]),
    };

    [Theory]
    [MemberData(nameof(ProductFilters))]
    public async Task Filters_select_exactly_the_matching_records(string filter)
    {
        var products = await SeededProducts("filtered");
        var (expression, ids) = Filters[filter];

        var found = await products.GetAsync(expression, 10).Select(p => p.Id).OrderBy(id => id).ToListAsync();
        var searched = await products.SearchAsync(new ReadOnlyMemory<float>([1, 1, 0]), 10, new VectorSearchOptions<Product> { Filter = expression, VectorProperty = p => p.Look })
            .Select(r => r.Record.Id).OrderBy(id => id).ToListAsync();

        Assert.Equal(ids, found);
        Assert.Equal(ids, searched);
    }

    [Fact]
    public async Task A_dynamic_collection_reads_and_writes_the_same_records()
    {
        var store = Store();
        var products = await SeededProducts("shared", store);
        var dynamic = store.GetDynamicCollection("shared", ProductDefinition(typeof(int)));

        var two = await dynamic.GetAsync(2);
        Assert.NotNull(two);
        Assert.Equal("product 2", two["Name"]);
        Assert.Equal(9007199254740993L, two["Stock"]);
        Assert.Equal(new[] { "t2", "all" }, (string[])two["Tags"]!);
        two["Id"] = 7;
        two["Name"] = "product 7";
        two["Look"] = new ReadOnlyMemory<float>([0, 0, 1]);
        two["Taste"] = new ReadOnlyMemory<float>([7, 0]);
        await dynamic.UpsertAsync(two);

        Assert.Equal("product 7", (await products.GetAsync(7))!.Name);
        Assert.Equal([7], await dynamic.GetAsync(r => (string)r["Name"]! == "product 7", 5).Select(r => (int)r["Id"]!).ToListAsync());
    }

    public sealed class Keyed<TKey>
    {
        public TKey Key { get; set; } = default!;

        public string Note { get; set; } = "";

        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private async Task KeyRoundTrip<TKey>(TKey first, TKey second)
        where TKey : notnull
    {
        var collection = Store().GetCollection<TKey, Keyed<TKey>>("keys-" + typeof(TKey).Name, new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(TKey)), new VectorStoreDataProperty("Note", typeof(string)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync([new Keyed<TKey> { Key = first, Note = "first", Vector = new float[] { 1, 0 } }, new Keyed<TKey> { Key = second, Note = "second", Vector = new float[] { 0, 1 } }]);

        Assert.Equal("second", (await collection.GetAsync(second))!.Note);
        Assert.Equal(first, (await collection.SearchAsync(new ReadOnlyMemory<float>([1, 0]), 1).SingleAsync()).Record.Key);
        Assert.Equal([second], await collection.GetAsync(r => r.Note == "second", 5).Select(r => r.Key).ToListAsync());
        await collection.DeleteAsync(first);
        Assert.Null(await collection.GetAsync(first));
    }

    [Fact]
    public async Task String_Guid_int_and_long_keys_round_trip()
    {
        await KeyRoundTrip("first key", "second key");
        await KeyRoundTrip(Guid.NewGuid(), Guid.NewGuid());
        await KeyRoundTrip(1, 2);
        await KeyRoundTrip(long.MaxValue, 9007199254740993);
    }

    [Fact]
    public async Task A_Guid_key_is_generated_when_the_definition_asks()
    {
        var collection = Store().GetCollection<Guid, Keyed<Guid>>("generated", new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(Guid)) { IsAutoGenerated = true }, new VectorStoreDataProperty("Note", typeof(string)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
        });
        await collection.EnsureCollectionExistsAsync();
        var record = new Keyed<Guid> { Note = "new", Vector = new float[] { 1, 1 } };
        await collection.UpsertAsync(record);

        Assert.NotEqual(Guid.Empty, record.Key);
        Assert.Equal("new", (await collection.GetAsync(record.Key))!.Note);
    }

    private static VectorStoreCollectionDefinition KeyedDefinition<TKey>(bool? generated) => new()
    {
        Properties = [new VectorStoreKeyProperty("Key", typeof(TKey)) { IsAutoGenerated = generated }, new VectorStoreDataProperty("Note", typeof(string)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
    };

    [Fact]
    public async Task Int_and_long_keys_left_at_zero_are_generated_above_every_stored_key_and_written_back()
    {
        var store = Store();
        // Records written with keys of their own first: generated keys must start above them, never replace them.
        var mine = store.GetCollection<long, Keyed<long>>("generated-long", KeyedDefinition<long>(generated: false));
        await mine.EnsureCollectionExistsAsync();
        await mine.UpsertAsync([new Keyed<long> { Key = 41, Note = "mine", Vector = new float[] { 1, 0 } }, new Keyed<long> { Key = 0, Note = "zero", Vector = new float[] { 0, 1 } }]);
        Assert.Equal("zero", (await mine.GetAsync(0))!.Note);

        // Without IsAutoGenerated the contract's default applies: generated.
        var longs = store.GetCollection<long, Keyed<long>>("generated-long", KeyedDefinition<long>(generated: null));
        var batch = new[] { new Keyed<long> { Note = "a", Vector = new float[] { 1, 1 } }, new Keyed<long> { Note = "b", Vector = new float[] { 1, 1 } } };
        await longs.UpsertAsync(batch);
        Assert.True(batch.All(r => r.Key > 41), $"generated {batch[0].Key} and {batch[1].Key}");
        Assert.NotEqual(batch[0].Key, batch[1].Key);
        Assert.Equal(["a", "b"], await longs.GetAsync([batch[0].Key, batch[1].Key]).Select(r => r.Note).ToListAsync());
        Assert.Equal("mine", (await longs.GetAsync(41))!.Note);

        // A record with its generated key is updated in place; a new collection object over the same collection never hands a key out twice.
        batch[0].Note = "a2";
        await longs.UpsertAsync(batch[0]);
        var later = new Keyed<long> { Note = "c", Vector = new float[] { 1, 1 } };
        await store.GetCollection<long, Keyed<long>>("generated-long", KeyedDefinition<long>(generated: null)).UpsertAsync(later);
        Assert.DoesNotContain(later.Key, new[] { 0L, 41, batch[0].Key, batch[1].Key });
        Assert.Equal(5, await longs.GetAsync(r => true, 10).CountAsync());
        Assert.Equal("a2", (await longs.GetAsync(batch[0].Key))!.Note);

        var ints = store.GetCollection<int, Keyed<int>>("generated-int", KeyedDefinition<int>(generated: true));
        await ints.EnsureCollectionExistsAsync();
        var record = new Keyed<int> { Note = "int", Vector = new float[] { 1, 0 } };
        await ints.UpsertAsync(record);
        Assert.NotEqual(0, record.Key);
        Assert.Equal("int", (await ints.GetAsync(record.Key))!.Note);
    }

    public sealed class Note
    {
        [VectorStoreKey]
        public string Key { get; set; } = "";

        [VectorStoreData]
        public string Text { get; set; } = "";
    }

    [Fact]
    public async Task Records_without_vectors_are_stored_and_filtered_but_not_searched()
    {
        var notes = Store().GetCollection<string, Note>("notes");
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync([new Note { Key = "a", Text = "alpha" }, new Note { Key = "b", Text = "beta" }]);

        Assert.Equal("beta", (await notes.GetAsync("b"))!.Text);
        Assert.Equal(["a"], await notes.GetAsync(n => n.Text == "alpha", 5).Select(n => n.Key).ToListAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await notes.SearchAsync(new ReadOnlyMemory<float>([1]), 1).ToListAsync());
    }

    [Fact]
    public async Task A_null_key_or_key_list_is_an_argument_error_naming_the_parameter()
    {
        var notes = Store().GetCollection<string, Note>("argument-errors");
        await notes.EnsureCollectionExistsAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => notes.UpsertAsync(new Note { Key = null! }));
        Assert.Equal("keys", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await notes.GetAsync(keys: null!).ToListAsync())).ParamName);
        Assert.Equal("keys", (await Assert.ThrowsAsync<ArgumentNullException>(() => notes.DeleteAsync(keys: null!))).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => notes.GetAsync(key: null!));
        Assert.Throws<NotSupportedException>(() => Store().GetCollection<DateTime, Keyed<DateTime>>("date-keys", new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(DateTime)), new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2)],
        }));
    }
}

public sealed class EmbeddedRecordModelContractTests : RecordModelContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Embedded(folder);
}

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRecordModelContractTests(PostgresFixture fixture) : RecordModelContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Postgres(fixture);
}
