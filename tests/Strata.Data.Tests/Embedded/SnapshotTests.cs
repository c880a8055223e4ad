using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Embedded;

public sealed class SnapshotTests
{
    [Fact]
    public void Restoring_over_an_existing_collection_replaces_it()
    {
        using var directory = new TemporaryFolder();
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
