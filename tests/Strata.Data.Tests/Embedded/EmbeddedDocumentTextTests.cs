using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Embedded;

/// <summary>Document-level text on the embedded store.</summary>
public sealed class EmbeddedDocumentTextTests : DocumentTextConformanceTests
{
    private readonly TemporaryFolder directory = new();

    protected override IVectorDatabase CreateDatabase() => new EmbeddedVectorDatabase(directory.Path);

    protected override Task RemoveDocumentTextsAsync(string collection)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, collection + ".db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE source_texts; DROP TABLE sources; DROP INDEX records_source; DELETE FROM settings WHERE key = 'source_texts'";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_query_of_words_in_every_page_leaves_the_ranking_to_the_chunks()
    {
        var database = new EmbeddedVectorDatabase(directory.Path);
        using var collection = await database.CreateAsync(new CollectionSpec("common", 2));
        await collection.UpsertAsync(
        [
            Chunk("a-0", "a.html", [1, 0], "the start of the page"),
            Chunk("a-1", "a.html", [0.8f, 0.6f], "the rest of it, and the end of the long page"),
            Chunk("b-0", "b.html", [0.6f, 0.8f], "the whole of the short page"),
            Chunk("c-0", "c.html", [0, 1], "the one chunk of the third page"),
        ]);

        // Every page holds "the" and "of", so their BM25 idf is clamped to 1e-6 and the pages' scores differ only by that
        // noise; min-max scaling used to stretch the noise into a full document score. The words are left out of the
        // document query now, which ranks no page, and the chunks' own scores decide, as with no document share at all.
        var withDocuments = await collection.SearchHybridAsync([1, 0], "the of", new SearchOptions { K = 4 });
        var withoutDocuments = await collection.SearchHybridAsync([1, 0], "the of", new SearchOptions { K = 4, DocumentTextShare = 0 });
        Assert.Equal(withoutDocuments.Select(h => (h.Id, h.Score)), withDocuments.Select(h => (h.Id, h.Score)));
    }

    private static VectorRecord Chunk(string id, string source, float[] vector, string text) =>
        new(id, vector, text, new System.Text.Json.Nodes.JsonObject { [DocumentText.SourceKey] = source });

    public override void Dispose()
    {
        base.Dispose();
        directory.Dispose();
    }
}
