using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Conformance;

/// <summary>
/// What every vector backend must do, with the same inputs and the same answers. A backend's test class derives from
/// this and supplies <see cref="CreateDatabase"/>; the embedded store runs it in <see cref="EmbeddedConformanceTests"/>.
/// </summary>
public abstract partial class VectorCollectionConformanceTests : IDisposable
{
    private const int Dimension = 8;

    private readonly Lazy<IVectorDatabase> database;
    private readonly List<IVectorCollection> opened = [];

    protected VectorCollectionConformanceTests() => database = new Lazy<IVectorDatabase>(CreateDatabase);

    protected IVectorDatabase Database => database.Value;

    protected abstract IVectorDatabase CreateDatabase();

    public virtual void Dispose()
    {
        foreach (var collection in opened)
        {
            collection.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private async Task<IVectorCollection> NewCollectionAsync(DistanceMetric distance = DistanceMetric.Cosine)
    {
        var collection = await Database.CreateAsync(new CollectionSpec("c" + Guid.NewGuid().ToString("N")[..12], Dimension, distance));
        opened.Add(collection);
        return collection;
    }

    private static float[] Axis(int axis, float scale = 1f)
    {
        var v = new float[Dimension];
        v[axis % Dimension] = scale;
        v[(axis + 1) % Dimension] = 0.1f * (axis / Dimension);
        return v;
    }

    /// <summary>Six records with varied metadata, the fixture of the filter tests.</summary>
    private static VectorRecord[] Library() =>
    [
        new("a", Axis(0), "the quick brown fox jumps", new JsonObject { ["lang"] = "en", ["year"] = 2019, ["tags"] = new JsonArray("animal", "classic"), ["draft"] = false }),
        new("b", Axis(1), "a lazy dog sleeps all day", new JsonObject { ["lang"] = "en", ["year"] = 2021, ["tags"] = new JsonArray("animal"), ["draft"] = true }),
        new("c", Axis(2), "der schnelle braune fuchs", new JsonObject { ["lang"] = "de", ["year"] = 2022, ["score"] = 4.5 }),
        new("d", Axis(3), "vector databases index embeddings", new JsonObject { ["lang"] = "en", ["year"] = 2024, ["tags"] = new JsonArray("tech") }),
        new("e", Axis(4), "le renard brun rapide", new JsonObject { ["lang"] = "fr", ["year"] = 2020.5 }),
        new("f", Axis(5), null, null),
    ];

    [Fact]
    public async Task Upsert_then_get_returns_the_exact_vector_document_and_metadata()
    {
        var collection = await NewCollectionAsync();
        var records = Library();
        Assert.Equal(records.Length, await collection.UpsertAsync(records));
        var got = await collection.GetAsync(["c", "a", "missing", "f"]);
        Assert.Equal(["c", "a", "f"], got.Select(r => r.Id));
        Assert.Equal(records[2].Vector, got[0].Vector);
        Assert.Equal(records[2].Document, got[0].Document);
        Assert.Equal(records[2].Metadata!.ToJsonString(), got[0].Metadata!.ToJsonString());
        Assert.Null(got[2].Document);
        Assert.Empty(got[2].Metadata!);
        Assert.Equal(6, await collection.CountAsync());
    }

    [Fact]
    public async Task Upsert_of_an_existing_id_replaces_it_everywhere()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        await collection.UpsertAsync([new VectorRecord("a", Axis(7), "completely different words", new JsonObject { ["lang"] = "xx" })]);
        Assert.Equal(6, await collection.CountAsync());
        Assert.Equal("xx", (await collection.GetAsync(["a"]))[0].Metadata!["lang"]!.GetValue<string>());
        Assert.Equal("a", (await collection.SearchAsync(Axis(7), new SearchOptions { K = 1 }))[0].Id);
        Assert.DoesNotContain(await collection.SearchTextAsync("fox"), hit => hit.Id == "a");
        Assert.Contains(await collection.SearchTextAsync("completely"), hit => hit.Id == "a");
    }

    [Fact]
    public async Task Delete_by_ids_and_by_filter_removes_from_reads_and_searches()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        Assert.Equal(2, await collection.DeleteAsync(["a", "b", "nope"]));
        Assert.Equal(1, await collection.DeleteAsync(MetadataFilter.Parse("""{"field":"lang","eq":"de"}""")));
        Assert.Equal(3, await collection.CountAsync());
        Assert.Empty(await collection.GetAsync(["a", "b", "c"]));
        var hits = await collection.SearchAsync(Axis(0), new SearchOptions { K = 10 });
        Assert.Equal(["d", "e", "f"], hits.Select(h => h.Id).Order());
        Assert.Empty(await collection.SearchTextAsync("fox dog"));
    }

    [Fact]
    public async Task Dense_search_ranks_nearest_first_with_similarity_scores()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        var hits = await collection.SearchAsync(Axis(3), new SearchOptions { K = 3 });
        Assert.Equal("d", hits[0].Id);
        Assert.Equal(1.0, hits[0].Score, 4);
        Assert.True(hits[0].Score >= hits[1].Score && hits[1].Score >= hits[2].Score);
    }

    [Theory]
    [InlineData("""{"field":"lang","eq":"en"}""", "a,b,d")]
    [InlineData("""{"field":"lang","ne":"en"}""", "c,e,f")]
    [InlineData("""{"field":"year","gt":2021}""", "c,d")]
    [InlineData("""{"field":"year","gte":2021}""", "b,c,d")]
    [InlineData("""{"field":"year","lt":2020.5}""", "a")]
    [InlineData("""{"field":"year","lte":2020.5}""", "a,e")]
    [InlineData("""{"field":"lang","in":["de","fr"]}""", "c,e")]
    [InlineData("""{"field":"lang","nin":["de","fr"]}""", "a,b,d,f")]
    [InlineData("""{"field":"score","exists":true}""", "c")]
    [InlineData("""{"field":"tags","exists":false}""", "c,e,f")]
    [InlineData("""{"field":"tags","eq":"animal"}""", "a,b")]
    [InlineData("""{"field":"draft","eq":true}""", "b")]
    [InlineData("""{"field":"draft","eq":false}""", "a")]
    [InlineData("""{"field":"year","eq":"2019"}""", "")]
    [InlineData("""{"and":[{"field":"lang","eq":"en"},{"field":"year","gte":2020}]}""", "b,d")]
    [InlineData("""{"or":[{"field":"lang","eq":"fr"},{"field":"tags","in":["tech"]}]}""", "d,e")]
    [InlineData("""{"not":{"field":"lang","eq":"en"}}""", "c,e,f")]
    [InlineData("""{"field":"lang","gte":"en"}""", "a,b,d,e")]
    [InlineData("""{"field":"tags","eq":["animal","classic"]}""", "a")]
    [InlineData("""{"field":"tags","eq":["classic","animal"]}""", "")]
    [InlineData("""{"field":"tags","eq":["animal"]}""", "b")]
    [InlineData("""{"field":"lang","eq":["en"]}""", "")]
    [InlineData("""{"field":"tags","ne":["animal"]}""", "a,c,d,e,f")]
    public async Task Every_filter_operator_selects_the_expected_records(string filterJson, string expected)
    {
        var collection = await NewCollectionAsync();
        var records = Library();
        await collection.UpsertAsync(records);
        var filter = MetadataFilter.Parse(filterJson);
        var expectedIds = expected.Split(',', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expectedIds, (await ScrollAsync(collection, filter)).Order());
        Assert.Equal(expectedIds.Length, await collection.CountAsync(filter));
        Assert.Equal(expectedIds, records.Where(r => FilterPredicate.Matches(filter, r.Metadata)).Select(r => r.Id).Order());
        Assert.Equal(expectedIds, (await collection.SearchAsync(Axis(0), new SearchOptions { K = 10, Filter = filter })).Select(h => h.Id).Order());
    }

    [Theory]
    [InlineData("gt", "emoji")]
    [InlineData("lt", "fullwidth,hangul")]
    [InlineData("gte", "emoji,tilde")]
    public async Task Strings_order_by_code_point_everywhere(string op, string expected)
    {
        // UTF-16 order puts a surrogate pair (U+1F600) below U+FF5E; SQLite's BINARY collation, PostgreSQL's "C" and
        // the payload index order by code point, where it is above. The in-memory predicate must agree with them.
        var collection = await NewCollectionAsync();
        var records = new VectorRecord[]
        {
            new("tilde", Axis(0), null, new JsonObject { ["s"] = "\uFF5E" }),
            new("emoji", Axis(1), null, new JsonObject { ["s"] = "\U0001F600" }),
            new("hangul", Axis(2), null, new JsonObject { ["s"] = "\uAC00" }),
            new("fullwidth", Axis(3), null, new JsonObject { ["s"] = "\uFF21" }),
        };
        await collection.UpsertAsync(records);
        var filter = MetadataFilter.Parse($$"""{"field":"s","{{op}}":"\uFF5E"}""");
        var expectedIds = expected.Split(',').Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expectedIds, records.Where(r => FilterPredicate.Matches(filter, r.Metadata)).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expectedIds, (await ScrollAsync(collection, filter)).Order(StringComparer.Ordinal));
        Assert.Equal(expectedIds, (await collection.SearchAsync(Axis(0), new SearchOptions { K = 10, Filter = filter })).Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Random_filters_select_exactly_what_the_in_memory_predicate_selects()
    {
        var collection = await NewCollectionAsync();
        var random = new Random(20240601);
        JsonNode Scalar() => random.Next(4) switch
        {
            0 => JsonValue.Create(new[] { "a", "b", "Z", "é", "ab", "10" }[random.Next(6)]),
            1 => JsonValue.Create(new[] { -1, 0, 2, 10, 1000 }[random.Next(5)]),
            2 => JsonValue.Create(new[] { 2.5, -0.5, 10.0 }[random.Next(3)]),
            _ => JsonValue.Create(random.Next(2) == 0),
        };
        var records = Enumerable.Range(0, 60).Select(i =>
        {
            var metadata = new JsonObject();
            foreach (var field in new[] { "x", "y", "z" })
            {
                switch (random.Next(3))
                {
                    case 0:
                        break;
                    case 1:
                        metadata[field] = Scalar();
                        break;
                    default:
                        metadata[field] = new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Scalar())]);
                        break;
                }
            }

            return new VectorRecord($"r{i:D2}", Axis(i), null, metadata);
        }).ToArray();
        await collection.UpsertAsync(records);

        string Operand() => Scalar().ToJsonString();
        // An array operand: half the time one a record holds (so whole-array equality finds something), else made up.
        string ArrayOperand() => (random.Next(2) == 0 && records[random.Next(records.Length)].Metadata!.FirstOrDefault(p => p.Value is JsonArray).Value is JsonArray held
            ? held.DeepClone()
            : new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => Scalar())])).ToJsonString();
        string Leaf()
        {
            var field = new[] { "x", "y", "z" }[random.Next(3)];
            return random.Next(11) switch
            {
                9 => $$"""{"field":"{{field}}","eq":{{ArrayOperand()}}}""",
                10 => $$"""{"field":"{{field}}","ne":{{ArrayOperand()}}}""",
                0 => $$"""{"field":"{{field}}","eq":{{Operand()}}}""",
                1 => $$"""{"field":"{{field}}","ne":{{Operand()}}}""",
                2 => $$"""{"field":"{{field}}","in":[{{Operand()}},{{Operand()}}]}""",
                3 => $$"""{"field":"{{field}}","nin":[{{Operand()}}]}""",
                4 => $$"""{"field":"{{field}}","exists":{{(random.Next(2) == 0 ? "true" : "false")}}}""",
                5 => $$"""{"field":"{{field}}","gt":{{(random.Next(2) == 0 ? "\"b\"" : "2")}}}""",
                6 => $$"""{"field":"{{field}}","gte":{{(random.Next(2) == 0 ? "\"ab\"" : "2.5")}}}""",
                7 => $$"""{"field":"{{field}}","lt":{{(random.Next(2) == 0 ? "\"b\"" : "0")}}}""",
                _ => $$"""{"field":"{{field}}","lte":{{(random.Next(2) == 0 ? "\"Z\"" : "10")}}}""",
            };
        }

        string Node(int depth) => depth > 2 || random.Next(3) == 0 ? Leaf() : random.Next(3) switch
        {
            0 => $$"""{"and":[{{Node(depth + 1)}},{{Node(depth + 1)}}]}""",
            1 => $$"""{"or":[{{Node(depth + 1)}},{{Node(depth + 1)}}]}""",
            _ => $$"""{"not":{{Node(depth + 1)}}}""",
        };

        var discriminating = 0;
        for (var i = 0; i < 150; i++)
        {
            var json = Node(0);
            var filter = MetadataFilter.Parse(json);
            var expected = records.Where(r => FilterPredicate.Matches(filter, r.Metadata)).Select(r => r.Id).ToList();
            Assert.True(expected.SequenceEqual(await ScrollAsync(collection, filter, pageSize: 100)), json);
            Assert.Equal(expected.Count, await collection.CountAsync(filter));
            discriminating += expected.Count is > 0 and < 60 ? 1 : 0;
        }

        // The generator must produce filters that split the records, or agreement would prove little.
        Assert.True(discriminating > 75, $"only {discriminating} of 150 filters split the records");
    }

    [Fact]
    public async Task A_filter_value_holding_sql_injection_is_only_a_value()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        foreach (var json in new[]
        {
            """{"field":"lang","eq":"en' OR '1'='1"}""",
            """{"field":"lang","in":["x'); DROP TABLE records; --"]}""",
            """{"field":"lang') OR 1=1 --","eq":"en"}""",
        })
        {
            var filter = MetadataFilter.Parse(json);
            Assert.Equal(0, await collection.CountAsync(filter));
            Assert.Equal(0, await collection.DeleteAsync(filter));
        }

        Assert.Equal(6, await collection.CountAsync());
        Assert.Throws<StrataDataException>(() => MetadataFilter.Parse("""{"field":"a\"b","eq":1}"""));
    }

    [Theory]
    [InlineData("""{"field":"x","like":"y"}""")]
    [InlineData("""{"and":[]}""")]
    [InlineData("""{"field":"x","gt":true}""")]
    [InlineData("""{"field":"x","eq":{"nested":1}}""")]
    [InlineData("not json")]
    public async Task An_invalid_filter_is_refused_with_a_clear_error(string json) =>
        Assert.StartsWith("Invalid filter", Assert.Throws<StrataDataException>(() => MetadataFilter.Parse(json)).Message);

    [Fact]
    public async Task Hybrid_search_ranks_a_record_strong_in_both_lists_first()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        // "d" is closest to the query vector; "a" is the only text match for "fox jumps" in English; a vector halfway
        // between them with text matching "a" must put "a" at the top only when text has weight.
        var query = Axis(3);
        foreach (var fusion in new[] { FusionMethod.ReciprocalRank, FusionMethod.WeightedScore })
        {
            var textHeavy = await collection.SearchHybridAsync(query, "quick fox jumps", new SearchOptions { K = 3, Fusion = fusion, DenseWeight = 0.01, TextWeight = 1 });
            Assert.Equal("a", textHeavy[0].Id);
            var denseHeavy = await collection.SearchHybridAsync(query, "quick fox jumps", new SearchOptions { K = 3, Fusion = fusion, DenseWeight = 1, TextWeight = 0.01 });
            Assert.Equal("d", denseHeavy[0].Id);
        }
    }

    [Fact]
    public async Task Bm25_ranks_the_document_with_more_matching_terms_first()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        var hits = await collection.SearchTextAsync("brown fox quick");
        Assert.Equal("a", hits[0].Id);
        Assert.True(hits[0].Score > 0);
        Assert.Empty(await collection.SearchTextAsync("\" NEAR( * -- "));
    }

    [Fact]
    public async Task Mmr_prefers_diverse_results_over_near_duplicates()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync([
            new VectorRecord("x1", [1, 0.01f, 0, 0, 0, 0, 0, 0]),
            new VectorRecord("x2", [1, 0.02f, 0, 0, 0, 0, 0, 0]),
            new VectorRecord("y", [0.7f, 0.7f, 0, 0, 0, 0, 0, 0]),
        ]);
        var plain = await collection.SearchAsync([1, 0, 0, 0, 0, 0, 0, 0], new SearchOptions { K = 2 });
        Assert.Equal(["x1", "x2"], plain.Select(h => h.Id));
        var diverse = await collection.SearchAsync([1, 0, 0, 0, 0, 0, 0, 0], new SearchOptions { K = 2, MmrLambda = 0.3 });
        Assert.Equal(["x1", "y"], diverse.Select(h => h.Id));
    }

    [Fact]
    public async Task Scroll_pages_through_every_record_once_in_id_order()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync([.. Enumerable.Range(0, 250).Select(i => new VectorRecord($"id{i:D3}", Axis(i), null, new JsonObject { ["odd"] = i % 2 == 1 }))]);
        var seen = await ScrollAsync(collection, null, pageSize: 40);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"id{i:D3}"), seen);
        var odd = MetadataFilter.Parse("""{"field":"odd","eq":true}""");
        Assert.Equal(await collection.CountAsync(odd), (await ScrollAsync(collection, odd, pageSize: 7)).Count);
        Assert.Equal(125, await collection.CountAsync(odd));
    }

    public static TheoryData<string> BadBatches => new() { "dimension", "nan", "infinity", "metadata-size", "metadata-object", "duplicate-id", "empty-id" };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_record_fails_the_whole_batch_and_writes_nothing(string problem)
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync([new VectorRecord("keep", Axis(0))]);
        var bad = problem switch
        {
            "dimension" => new VectorRecord("bad", new float[Dimension + 1]),
            "nan" => new VectorRecord("bad", [.. Axis(1).Select((v, i) => i == 3 ? float.NaN : v)]),
            "infinity" => new VectorRecord("bad", [.. Axis(1).Select((v, i) => i == 3 ? float.PositiveInfinity : v)]),
            "metadata-size" => new VectorRecord("bad", Axis(1), null, new JsonObject { ["blob"] = new string('x', 70_000) }),
            "metadata-object" => new VectorRecord("bad", Axis(1), null, new JsonObject { ["nested"] = new JsonObject { ["a"] = 1 } }),
            "duplicate-id" => new VectorRecord("good-1", Axis(1)),
            _ => new VectorRecord("", Axis(1)),
        };
        var error = await Assert.ThrowsAsync<StrataDataException>(() => collection.UpsertAsync([new VectorRecord("good-1", Axis(2)), new VectorRecord("good-2", Axis(3)), bad]));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(1, await collection.CountAsync());
        Assert.Empty(await collection.GetAsync(["good-1", "good-2", "bad"]));
        Assert.Single(await collection.SearchAsync(Axis(2), new SearchOptions { K = 10 }));
    }

    [Fact]
    public async Task A_query_vector_of_the_wrong_dimension_is_refused()
    {
        var collection = await NewCollectionAsync();
        Assert.Contains("dimensions", (await Assert.ThrowsAsync<StrataDataException>(() => collection.SearchAsync(new float[3]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_collection_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<StrataDataException>(() => Database.OpenAsync("no-such-collection"));
        Assert.Contains("Unknown collection 'no-such-collection'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Database.OpenAsync("../escape"));
        Assert.False(await Database.DropAsync("no-such-collection"));
    }

    [Fact]
    public async Task Collections_are_listed_created_once_and_dropped()
    {
        var collection = await NewCollectionAsync(DistanceMetric.L2);
        var name = collection.Spec.Name;
        Assert.Contains(name, await Database.ListAsync());
        await Assert.ThrowsAsync<StrataDataException>(() => Database.CreateAsync(new CollectionSpec(name, Dimension)));
        await Assert.ThrowsAsync<StrataDataException>(() => Database.CreateAsync(new CollectionSpec("zero-dim", 0)));
        await collection.UpsertAsync(Library());
        var stats = await collection.StatsAsync();
        Assert.Equal(6, stats.Count);
        Assert.True(stats.BytesOnDisk > 0);
        Assert.Equal("current", stats.IndexState);
        Assert.Equal("a", (await collection.SearchAsync(Axis(0), new SearchOptions { K = 1 }))[0].Id);
        collection.Dispose();
        Assert.True(await Database.DropAsync(name));
        Assert.DoesNotContain(name, await Database.ListAsync());
    }

    /// <summary>Every id a filtered scroll returns, page by page; the crash loop compares it with a filtered count too.</summary>
    internal static async Task<List<string>> ScrollAsync(IVectorCollection collection, MetadataFilter? filter, int pageSize = 2)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await collection.ScrollAsync(filter, cursor, pageSize);
            ids.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    [Fact]
    public async Task A_snapshot_taken_while_another_handle_writes_restores_to_a_consistent_state()
    {
        const int batchSize = 20;
        using var directory = new TemporaryFolder();
        var live = "live" + Guid.NewGuid().ToString("N")[..12];
        var restoredName = "restored" + Guid.NewGuid().ToString("N")[..12];
        (await Database.CreateAsync(new CollectionSpec(live, CrashRecords.Dimension))).Dispose();
        using var writer = await Database.OpenAsync(live);
        using var reader = await Database.OpenAsync(live);
        var batches = 0;
        var writing = Task.Run(async () =>
        {
            for (var b = 0; b < 60; b++)
            {
                await writer.UpsertAsync([.. Enumerable.Range(b * batchSize, batchSize).Select(CrashRecords.Record)]);
                Volatile.Write(ref batches, b + 1);
            }
        });
        while (Volatile.Read(ref batches) < 5)
        {
            await Task.Delay(5);
        }

        var snapshot = Path.Combine(directory.Path, "snapshots", "live.snapshot");
        var ackedBeforeSnapshot = Volatile.Read(ref batches) * batchSize;
        await reader.SnapshotAsync(snapshot);
        var ackedAfterSnapshot = Volatile.Read(ref batches) * batchSize;
        await writing;

        await Database.RestoreAsync(restoredName, snapshot);
        using var restored = await Database.OpenAsync(restoredName);
        var count = await restored.CountAsync();
        // Whole batches only, at least those acknowledged before the snapshot began.
        Assert.InRange(count, ackedBeforeSnapshot, ackedAfterSnapshot + batchSize);
        Assert.Equal(0, count % batchSize);
        var records = await restored.GetAsync(Enumerable.Range(0, (int)count + batchSize).Select(CrashRecords.Id));
        Assert.Equal(count, records.Count);
        foreach (var record in records)
        {
            var expected = CrashRecords.Record(int.Parse(record.Id[1..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected.Vector, record.Vector);
            Assert.Equal(expected.Document, record.Document);
            Assert.Equal(expected.Metadata!["n"]!.GetValue<int>(), record.Metadata!["n"]!.GetValue<int>());
        }

        var last = CrashRecords.Record((int)count - 1);
        Assert.Equal(last.Id, (await restored.SearchAsync(last.Vector, new SearchOptions { K = 1 }))[0].Id);
        Assert.Equal(restoredName, restored.Spec.Name);
        Assert.Equal(60 * batchSize, await writer.CountAsync());
    }
}
