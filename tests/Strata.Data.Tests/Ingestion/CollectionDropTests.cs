using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Data.Tests.Documents;
using Strata.Core;

namespace Strata.Data.Tests.Ingestion;

public sealed class CollectionDropTests : IDisposable
{
    private readonly TemporaryFolder home = new();

    private StrataPaths Paths => new(home.Path);

    public void Dispose() => home.Dispose();

    [Fact]
    public async Task Dropping_a_collection_deletes_its_ledger_and_uploads_and_nothing_of_another_collection()
    {
        var database = new EmbeddedVectorDatabase(Paths.Data);
        foreach (var name in new[] { "notes", "other" })
        {
            (await database.CreateAsync(new CollectionSpec(name, 4))).Dispose();
            using (var ledger = new IngestionLedger(IngestionPaths.Ledger(Paths, name)))
            {
                ledger.Save(new IngestedDocument("a.txt", "hash", DocumentState.Ready, null, "A", 1, IngestionPipeline.StepNames, DateTimeOffset.UtcNow));
            }

            Directory.CreateDirectory(IngestionPaths.Uploads(Paths, name));
            File.WriteAllText(Path.Combine(IngestionPaths.Uploads(Paths, name), "a.txt"), "text");
        }

        Assert.True(await database.DropWithIngestionFilesAsync(Paths, "notes"));

        Assert.False(await database.ExistsAsync("notes"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(IngestionPaths.Ledger(Paths, "notes"))!, "notes.db*"));
        Assert.False(Directory.Exists(IngestionPaths.Uploads(Paths, "notes")));
        Assert.True(await database.ExistsAsync("other"));
        using (var ledger = new IngestionLedger(IngestionPaths.Ledger(Paths, "other")))
        {
            Assert.Equal("a.txt", Assert.Single(ledger.List()).Source);
        }

        Assert.True(File.Exists(Path.Combine(IngestionPaths.Uploads(Paths, "other"), "a.txt")));
    }

    [Fact]
    public async Task Dropping_an_unknown_collection_deletes_nothing()
    {
        var database = new EmbeddedVectorDatabase(Paths.Data);
        Directory.CreateDirectory(IngestionPaths.Uploads(Paths, "ghost"));
        File.WriteAllText(Path.Combine(IngestionPaths.Uploads(Paths, "ghost"), "a.txt"), "text");

        Assert.False(await database.DropWithIngestionFilesAsync(Paths, "ghost"));

        Assert.True(File.Exists(Path.Combine(IngestionPaths.Uploads(Paths, "ghost"), "a.txt")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public async Task An_invalid_name_is_refused_before_anything_is_deleted(string name)
    {
        var database = new EmbeddedVectorDatabase(Paths.Data);

        await Assert.ThrowsAsync<ArgumentException>(() => database.DropWithIngestionFilesAsync(Paths, name));
    }
}
