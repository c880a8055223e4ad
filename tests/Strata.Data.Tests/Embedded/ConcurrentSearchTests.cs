using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Embedded;

/// <summary>
/// Searches of one embedded collection run in parallel (each walk has its own visited marks and SQLite connection) while
/// a writer upserts and deletes, and compaction runs beside them: every answer is right, and nothing throws.
/// </summary>
public sealed class ConcurrentSearchTests : IDisposable
{
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    private static float[] Vector(int i)
    {
        var random = new Random(i);
        return [.. Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    private static VectorRecord Record(int i) => new($"r{i}", Vector(i), $"record number {i}", new JsonObject { ["i"] = i, ["even"] = i % 2 == 0 });

    [Fact]
    public async Task Parallel_searches_during_writes_each_find_their_exact_match()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("parallel", 16));
        await collection.UpsertAsync([.. Enumerable.Range(0, 2000).Select(Record)]);
        using var stop = new CancellationTokenSource();

        // The writer churns records 2000 and up, so the stable records 0..1999 must always be found exactly.
        var writer = Task.Run(async () =>
        {
            // At least five rounds (every churned range written once, so the final count is known), then until the searchers finish.
            for (var round = 0; round < 5 || (!stop.IsCancellationRequested && round < 200); round++)
            {
                await collection.UpsertAsync([.. Enumerable.Range(2000 + (round % 5 * 100), 100).Select(Record)]);
                await collection.DeleteAsync(Enumerable.Range(2000 + (round % 5 * 100), 50).Select(i => $"r{i}"));
            }
        });
        var searchers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var q = worker; q < 2000; q += 8)
            {
                var dense = await collection.SearchAsync(Vector(q), new SearchOptions { K = 1, Ef = 64 });
                Assert.Equal($"r{q}", dense[0].Id);
                var filtered = await collection.SearchAsync(Vector(q), new SearchOptions { K = 1, Filter = new FieldFilter("even", FilterOperator.Eq, [new FilterValue(null, null, q % 2 == 0)]) });
                Assert.Equal($"r{q}", filtered[0].Id);
                var text = await collection.SearchTextAsync($"number {q}", new SearchOptions { K = 3 });
                Assert.Contains(text, hit => hit.Id == $"r{q}");
            }
        })).ToArray();

        await Task.WhenAll(searchers);
        await stop.CancelAsync();
        await writer;
        Assert.Equal(2000 + 250, await collection.CountAsync());
    }

    [Fact]
    public async Task Compaction_runs_off_the_query_path_and_leaves_every_live_record_findable()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("compacted", 16));
        await collection.UpsertAsync([.. Enumerable.Range(0, 600).Select(Record)]);
        await collection.DeleteAsync(Enumerable.Range(0, 400).Select(i => $"r{i}"));
        collection.WaitForCompaction();

        var stats = await collection.StatsAsync();
        Assert.Equal(0, stats.IndexTombstones);
        Assert.Equal(200, stats.IndexNodes);
        foreach (var i in Enumerable.Range(400, 200))
        {
            Assert.Equal($"r{i}", (await collection.SearchAsync(Vector(i), new SearchOptions { K = 1 }))[0].Id);
        }
    }
}
