using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Embedded;

/// <summary>
/// A filter's passing records are kept between searches while the graph stays as it was: filtered searches answer
/// exactly what an exact scan of the records passing the filter answers, the same filter asked again included, after
/// upserts that change metadata, deletes, writes by another handle on the same file (another process), and while a
/// writer adds records that must be found as soon as their upsert returns.
/// </summary>
public sealed class FilteredSearchCacheTests : IDisposable
{
    private const int Dimension = 16;
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    private static float[] Vector(int i)
    {
        var random = new Random(i);
        return [.. Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    private static JsonObject Metadata(int bucket, string colour) => new() { ["bucket"] = bucket, ["colour"] = colour, ["tags"] = new JsonArray(colour, "all") };

    private static readonly MetadataFilter[] Filters =
    [
        new FieldFilter("bucket", FilterOperator.Lt, [FilterValue.Of(5)]),
        new FieldFilter("colour", FilterOperator.Eq, [new FilterValue("red", null, null)]),
        new FieldFilter("tags", FilterOperator.Eq, [new FilterValue("blue", null, null)]),
        new OrFilter([new FieldFilter("bucket", FilterOperator.Gte, [FilterValue.Of(8)]), new NotFilter(new FieldFilter("colour", FilterOperator.In, [new FilterValue("red", null, null), new FilterValue("blue", null, null)]))]),
        new FieldFilter("bucket", FilterOperator.Lt, [new FilterValue(null, 5.0, null)]),
        new FieldFilter("bucket", FilterOperator.Eq, [new FilterValue("3", null, null)]),
    ];

    private static string Colour(int i) => (i % 3) switch { 0 => "red", 1 => "blue", _ => "green" };

    [Fact]
    public async Task Repeated_filters_answer_as_an_exact_scan_after_metadata_changes_deletes_and_another_handles_writes()
    {
        var records = new Dictionary<string, VectorRecord>(StringComparer.Ordinal);
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("cached", Dimension));
        using var other = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("cached");
        await Upsert(collection, records, Enumerable.Range(0, 400).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata(i % 10, Colour(i)))));
        await ExpectExact(collection, records);
        await ExpectExact(collection, records);

        // Metadata changes move records in and out of every filter; the vectors stay, so only a stale set could err.
        await Upsert(collection, records, Enumerable.Range(0, 400).Where(i => i % 4 == 0).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata((i + 5) % 10, Colour(i + 1)))));
        await ExpectExact(collection, records);
        await collection.DeleteAsync(Enumerable.Range(0, 400).Where(i => i % 7 == 0).Select(i => $"r{i}"));
        foreach (var i in Enumerable.Range(0, 400).Where(i => i % 7 == 0))
        {
            records.Remove($"r{i}");
        }

        await ExpectExact(collection, records);

        // Written through another handle: the first one must notice (its catch-up changes the graph's version).
        await Upsert(other, records, Enumerable.Range(0, 400).Where(i => i % 5 == 1).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata((i + 3) % 10, Colour(i + 2)))));
        await ExpectExact(collection, records);
        await other.DeleteAsync(Enumerable.Range(0, 400).Where(i => i % 9 == 2).Select(i => $"r{i}"));
        foreach (var i in Enumerable.Range(0, 400).Where(i => i % 9 == 2))
        {
            records.Remove($"r{i}");
        }

        await ExpectExact(collection, records);
        await ExpectExact(other, records);
    }

    [Fact]
    public async Task A_record_is_found_by_a_filtered_search_as_soon_as_its_upsert_returns_while_others_search_the_same_filter()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("live", Dimension));
        await collection.UpsertAsync([.. Enumerable.Range(0, 1000).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata(i % 10, Colour(i))))]);
        var red = Filters[1];
        using var stop = new CancellationTokenSource();
        // Each searcher says when its first search is done, and the writes wait for that: on a busy machine the thread
        // pool may otherwise start a searcher only after every write, and nothing would have searched alongside them.
        var started = Enumerable.Range(0, 2).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var searchers = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            var searches = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var hit in await collection.SearchAsync(Vector(worker + searches++), new SearchOptions { K = 5, Filter = red }))
                {
                    // Metadata of an id never changes in this test, so every answer must pass.
                    Assert.Equal("red", (string?)hit.Metadata!["colour"]);
                }

                started[worker].TrySetResult();
            }

            return searches;
        })).ToArray();

        await Task.WhenAny(Task.WhenAll(started.Select(s => s.Task)), Task.WhenAll(searchers));
        for (var batch = 0; batch < 30; batch++)
        {
            var first = 1000 + (batch * 10);
            await collection.UpsertAsync([.. Enumerable.Range(first, 10).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata(i % 10, Colour(i))))]);
            foreach (var i in Enumerable.Range(first, 10))
            {
                var hits = await collection.SearchAsync(Vector(i), new SearchOptions { K = 1, Filter = red });
                Assert.Equal(Colour(i) == "red" ? $"r{i}" : hits[0].Id, hits[0].Id);
                Assert.Equal("red", (string?)hits[0].Metadata!["colour"]);
            }
        }

        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(searchers), searches => Assert.True(searches > 0));
    }

    [Fact]
    public async Task A_kept_set_is_not_used_while_the_graph_trails_another_handles_commit()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("trailing", Dimension));
        using var other = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("trailing");
        await collection.UpsertAsync([.. Enumerable.Range(0, 300).Select(i => new VectorRecord($"r{i}", Vector(i), null, Metadata(i % 10, Colour(i))))]);
        var red = Filters[1];
        var options = new SearchOptions { K = 8, Ef = 1000, Filter = red };
        var before = await collection.SearchAsync(Vector(5000), options);
        Assert.Equal(8, (await collection.SearchAsync(Vector(5000), options)).Count);

        // Another handle deletes the answers; this handle's searches then go on without catching up (its gate is busy,
        // as during a compaction), so its graph still holds them as live nodes.
        await other.DeleteAsync(before.Select(hit => hit.Id));
        collection.WhileGateHeldForTests(() =>
        {
            var hits = collection.SearchAsync(Vector(5000), options).GetAwaiter().GetResult();
            Assert.Equal(8, hits.Count);
            Assert.DoesNotContain(hits, hit => before.Any(gone => gone.Id == hit.Id));
            Assert.All(hits, hit => Assert.Equal("red", (string?)hit.Metadata!["colour"]));
        });
    }

    private static async Task Upsert(EmbeddedCollection collection, Dictionary<string, VectorRecord> records, IEnumerable<VectorRecord> batch)
    {
        var list = batch.ToList();
        await collection.UpsertAsync(list);
        foreach (var record in list)
        {
            records[record.Id] = record;
        }
    }

    /// <summary>Every filter, each asked twice (the second from the cache), against the exact scan of the passing records.</summary>
    private static async Task ExpectExact(EmbeddedCollection collection, Dictionary<string, VectorRecord> records)
    {
        foreach (var filter in Filters)
        {
            var passing = records.Values.Where(r => FilterPredicate.Matches(filter, r.Metadata)).ToList();
            for (var query = 0; query < 4; query++)
            {
                var vector = Vector(10_000 + query);
                // Ef above the collection's size: the plan is an exact scan of the passing nodes, so the answer is exact.
                var expected = passing.OrderByDescending(r => Cosine(vector, r.Vector)).Take(8).Select(r => r.Id).ToList();
                for (var again = 0; again < 2; again++)
                {
                    var hits = await collection.SearchAsync(vector, new SearchOptions { K = 8, Ef = 1000, Filter = filter });
                    Assert.Equal(expected, hits.Select(h => h.Id).ToList());
                }
            }
        }
    }

    private static double Cosine(float[] a, float[] b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
