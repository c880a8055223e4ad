using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Embedded;

public sealed class SnapshotTests
{
    private const int BatchSize = 20;

    [Fact]
    public async Task A_snapshot_taken_while_another_handle_writes_restores_to_a_consistent_state()
    {
        using var directory = new TempDirectory();
        var database = new EmbeddedVectorDatabase(directory.Path);
        database.Create(new CollectionSpec("live", CrashRecords.Dimension)).Dispose();
        using var writer = database.Open("live");
        using var reader = database.Open("live");
        var batches = 0;
        var writing = Task.Run(() =>
        {
            for (var b = 0; b < 60; b++)
            {
                writer.Upsert([.. Enumerable.Range(b * BatchSize, BatchSize).Select(CrashRecords.Record)]);
                Volatile.Write(ref batches, b + 1);
            }
        });
        while (Volatile.Read(ref batches) < 5)
        {
            await Task.Delay(5);
        }

        var snapshot = Path.Combine(directory.Path, "snapshots", "live.snapshot");
        var ackedBeforeSnapshot = Volatile.Read(ref batches) * BatchSize;
        reader.Snapshot(snapshot);
        var ackedAfterSnapshot = Volatile.Read(ref batches) * BatchSize;
        await writing;

        database.Restore("restored", snapshot);
        using var restored = database.Open("restored");
        var count = restored.Count();
        Assert.InRange(count, ackedBeforeSnapshot, ackedAfterSnapshot + BatchSize);
        Assert.Equal(0, count % BatchSize);
        var records = restored.Get(Enumerable.Range(0, (int)count).Select(CrashRecords.Id));
        Assert.Equal(count, records.Count);
        foreach (var record in records)
        {
            var n = int.Parse(record.Id[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(CrashRecords.Record(n).Vector, record.Vector);
        }

        var last = CrashRecords.Record((int)count - 1);
        Assert.Equal(last.Id, restored.Search(last.Vector, new SearchOptions { K = 1 })[0].Id);
        Assert.Equal("restored", restored.Spec.Name);
        Assert.Equal(60 * BatchSize, writer.Count());
    }

    [Fact]
    public void Restoring_over_an_existing_collection_replaces_it()
    {
        using var directory = new TempDirectory();
        var database = new EmbeddedVectorDatabase(directory.Path);
        var snapshot = Path.Combine(directory.Path, "one.snapshot");
        using (var collection = database.Create(new CollectionSpec("target", CrashRecords.Dimension)))
        {
            collection.Upsert([CrashRecords.Record(1)]);
            collection.Snapshot(snapshot);
            collection.Upsert([CrashRecords.Record(2), CrashRecords.Record(3)]);
        }

        database.Restore("target", snapshot);
        using var restored = database.Open("target");
        Assert.Equal(1, restored.Count());
        Assert.Equal("r0000001", restored.Search(CrashRecords.Record(2).Vector, new SearchOptions { K = 5 }).Single().Id);
        Assert.Throws<StrataDataException>(() => database.Restore("target", Path.Combine(directory.Path, "missing.snapshot")));
    }
}
