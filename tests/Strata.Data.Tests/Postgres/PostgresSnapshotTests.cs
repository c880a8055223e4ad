using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Postgres;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Postgres;

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresSnapshotTests(PostgresFixture fixture) : IDisposable
{
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_snapshot_moves_a_collection_between_postgres_and_the_embedded_store_both_ways()
    {
        using var postgres = new PostgresVectorDatabase(fixture.NewDatabase());
        var embedded = new EmbeddedVectorDatabase(directory.Path);
        var records = Enumerable.Range(0, 50).Select(CrashRecords.Record).ToArray();
        using (var source = await postgres.CreateAsync(new CollectionSpec("source", CrashRecords.Dimension, DistanceMetric.L2)))
        {
            await source.UpsertAsync(records);
            await source.SnapshotAsync(Path.Combine(directory.Path, "from-postgres.snapshot"));
        }

        await embedded.RestoreAsync("copy", Path.Combine(directory.Path, "from-postgres.snapshot"));
        using (var copy = await embedded.OpenAsync("copy"))
        {
            Assert.Equal(50, await copy.CountAsync());
            Assert.Equal(DistanceMetric.L2, copy.Spec.Distance);
            Assert.Equal(records[7].Vector, (await copy.GetAsync([records[7].Id]))[0].Vector);
            await copy.DeleteAsync([records[0].Id]);
            await copy.SnapshotAsync(Path.Combine(directory.Path, "from-embedded.snapshot"));
        }

        await postgres.RestoreAsync("source", Path.Combine(directory.Path, "from-embedded.snapshot"));
        using var back = await postgres.OpenAsync("source");
        Assert.Equal(49, await back.CountAsync());
        Assert.Empty(await back.GetAsync([records[0].Id]));
        Assert.Equal(records[9].Id, (await back.SearchAsync(records[9].Vector, new SearchOptions { K = 1 }))[0].Id);
        Assert.Equal(records[9].Id, (await back.SearchTextAsync("number 9"))[0].Id);
    }

    [Fact]
    public async Task A_failed_restore_leaves_the_old_collection_as_it_was()
    {
        using var database = new PostgresVectorDatabase(fixture.NewDatabase());
        using (var collection = await database.CreateAsync(new CollectionSpec("target", CrashRecords.Dimension)))
        {
            await collection.UpsertAsync([CrashRecords.Record(1), CrashRecords.Record(2)]);
        }

        var notASnapshot = Path.Combine(directory.Path, "garbage.snapshot");
        File.WriteAllText(notASnapshot, "this is not a collection file");
        Assert.Contains("not a Strata collection snapshot", (await Assert.ThrowsAsync<StrataDataException>(() => database.RestoreAsync("target", notASnapshot))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StrataDataException>(() => database.RestoreAsync("target", Path.Combine(directory.Path, "missing.snapshot")));
        using var unchanged = await database.OpenAsync("target");
        Assert.Equal(2, await unchanged.CountAsync());
    }
}
