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
    public void A_snapshot_moves_a_collection_between_postgres_and_the_embedded_store_both_ways()
    {
        using var postgres = new PostgresVectorDatabase(fixture.NewDatabase());
        var embedded = new EmbeddedVectorDatabase(directory.Path);
        var records = Enumerable.Range(0, 50).Select(CrashRecords.Record).ToArray();
        using (var source = postgres.Create(new CollectionSpec("source", CrashRecords.Dimension, DistanceMetric.L2)))
        {
            source.Upsert(records);
            source.Snapshot(Path.Combine(directory.Path, "from-postgres.snapshot"));
        }

        embedded.Restore("copy", Path.Combine(directory.Path, "from-postgres.snapshot"));
        using (var copy = embedded.Open("copy"))
        {
            Assert.Equal(50, copy.Count());
            Assert.Equal(DistanceMetric.L2, copy.Spec.Distance);
            Assert.Equal(records[7].Vector, copy.Get([records[7].Id])[0].Vector);
            copy.Delete([records[0].Id]);
            copy.Snapshot(Path.Combine(directory.Path, "from-embedded.snapshot"));
        }

        postgres.Restore("source", Path.Combine(directory.Path, "from-embedded.snapshot"));
        using var back = postgres.Open("source");
        Assert.Equal(49, back.Count());
        Assert.Empty(back.Get([records[0].Id]));
        Assert.Equal(records[9].Id, back.Search(records[9].Vector, new SearchOptions { K = 1 })[0].Id);
        Assert.Equal(records[9].Id, back.SearchText("number 9")[0].Id);
    }

    [Fact]
    public void A_failed_restore_leaves_the_old_collection_as_it_was()
    {
        using var database = new PostgresVectorDatabase(fixture.NewDatabase());
        using (var collection = database.Create(new CollectionSpec("target", CrashRecords.Dimension)))
        {
            collection.Upsert([CrashRecords.Record(1), CrashRecords.Record(2)]);
        }

        var notASnapshot = Path.Combine(directory.Path, "garbage.snapshot");
        File.WriteAllText(notASnapshot, "this is not a collection file");
        Assert.Contains("not a Strata collection snapshot", Assert.Throws<StrataDataException>(() => database.Restore("target", notASnapshot)).Message, StringComparison.Ordinal);
        Assert.Throws<StrataDataException>(() => database.Restore("target", Path.Combine(directory.Path, "missing.snapshot")));
        using var unchanged = database.Open("target");
        Assert.Equal(2, unchanged.Count());
    }
}
