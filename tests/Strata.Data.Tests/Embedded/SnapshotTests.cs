using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Embedded;

public sealed class SnapshotTests
{
    [Fact]
    public async Task Restoring_over_an_existing_collection_replaces_it()
    {
        using var directory = new TemporaryFolder();
        var database = new EmbeddedVectorDatabase(directory.Path);
        var snapshot = Path.Combine(directory.Path, "one.snapshot");
        using (var collection = await database.CreateAsync(new CollectionSpec("target", CrashRecords.Dimension)))
        {
            await collection.UpsertAsync([CrashRecords.Record(1)]);
            await collection.SnapshotAsync(snapshot);
            await collection.UpsertAsync([CrashRecords.Record(2), CrashRecords.Record(3)]);
        }

        await database.RestoreAsync("target", snapshot);
        using var restored = await database.OpenAsync("target");
        Assert.Equal(1, await restored.CountAsync());
        Assert.Equal("r0000001", (await restored.SearchAsync(CrashRecords.Record(2).Vector, new SearchOptions { K = 5 })).Single().Id);
        await Assert.ThrowsAsync<StrataDataException>(() => database.RestoreAsync("target", Path.Combine(directory.Path, "missing.snapshot")));
    }
}
