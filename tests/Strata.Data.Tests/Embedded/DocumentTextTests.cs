using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Embedded;

/// <summary>Hybrid search's document-level text evidence: BM25 over each source document's whole text.</summary>
public sealed class DocumentTextTests : IDisposable
{
    private const int Dimension = 4;
    private const string Query = "double ended queue rotate maxlen";
    private readonly TemporaryFolder directory = new();

    private EmbeddedVectorDatabase Database => new(directory.Path);

    public void Dispose() => directory.Dispose();

    // Every record has the query's vector, so the dense list carries no preference and the text decides. "list-0" holds
    // every query word in one chunk, so it leads chunk-level BM25; the deque page holds them across three short chunks,
    // so as a whole it is the better page (same words, a fifth of the length). Three unrelated pages keep the words
    // rare enough for BM25's idf to stay positive.
    private static VectorRecord[] Pages() =>
    [
        Chunk("deque-0", "deque.html", "a double ended queue"),
        Chunk("deque-1", "deque.html", "rotate the deque by n steps"),
        Chunk("deque-2", "deque.html", "maxlen bounds the deque"),
        Chunk("list-0", "list.html", "not a double ended queue: no rotate, no maxlen"),
        Chunk("list-1", "list.html", "lists are mutable sequences of items kept in order"),
        Chunk("list-2", "list.html", "sort a list in place with a key function and a flag"),
        Chunk("list-3", "list.html", "append extend insert remove pop clear index count copy"),
        Chunk("list-4", "list.html", "slicing makes a shallow copy of part of the sequence"),
        Chunk("list-5", "list.html", "comprehensions build lists from any iterable concisely"),
        Chunk("json-0", "json.html", "encode and decode objects as text"),
        Chunk("math-0", "math.html", "square roots logarithms and trigonometry"),
        Chunk("time-0", "time.html", "sleep for seconds and format clock readings"),
    ];

    private static VectorRecord Chunk(string id, string source, string text) =>
        new(id, [1, 0, 0, 0], text, new JsonObject { [DocumentText.SourceKey] = source });

    private static async Task<string> TopAsync(IVectorCollection collection, double share = 0.75) =>
        (await collection.SearchHybridAsync([1, 0, 0, 0], Query, new SearchOptions { K = 3, DocumentTextShare = share }))[0].Id;

    [Fact]
    public async Task A_chunk_of_the_page_that_matches_as_a_whole_ranks_above_the_chunk_that_matches_alone()
    {
        using var collection = await Database.CreateAsync(new CollectionSpec("pages", Dimension));
        await collection.UpsertAsync(Pages());
        Assert.StartsWith("deque-", await TopAsync(collection));
        // Without the document's share, chunk-level BM25 alone decides, as before.
        Assert.Equal("list-0", await TopAsync(collection, share: 0));
        Assert.Equal("list-0", (await collection.SearchTextAsync(Query))[0].Id);
    }

    [Fact]
    public async Task Each_write_keeps_the_document_texts_current()
    {
        using var collection = await Database.CreateAsync(new CollectionSpec("pages", Dimension));
        await collection.UpsertAsync(Pages());
        Assert.StartsWith("deque-", await TopAsync(collection));

        // Replacing the deque chunks with other words takes the query's words out of that page.
        await collection.UpsertAsync([Chunk("deque-0", "deque.html", "threads and locks"), Chunk("deque-1", "deque.html", "events"), Chunk("deque-2", "deque.html", "barriers")]);
        Assert.Equal("list-0", await TopAsync(collection));

        await collection.UpsertAsync(Pages()[..3]);
        Assert.StartsWith("deque-", await TopAsync(collection));
        await collection.DeleteAsync(MetadataFilter.Parse(new JsonObject { ["field"] = DocumentText.SourceKey, ["eq"] = "deque.html" }));
        Assert.Equal("list-0", await TopAsync(collection));
        await collection.UpsertAsync(Pages()[..3]);
        await collection.DeleteAsync(["deque-0", "deque-1", "deque-2"]);
        Assert.Equal("list-0", await TopAsync(collection));
    }

    [Fact]
    public async Task A_collection_file_written_before_document_texts_gets_them_on_open()
    {
        using (var collection = await Database.CreateAsync(new CollectionSpec("older", Dimension)))
        {
            await collection.UpsertAsync(Pages());
        }

        // Take the file back to the schema of earlier versions: no source tables, no marker.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "older.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE source_texts; DROP TABLE sources; DROP INDEX records_source; DELETE FROM settings WHERE key = 'source_texts'";
            command.ExecuteNonQuery();
        }

        using var reopened = await Database.OpenAsync("older");
        Assert.StartsWith("deque-", await TopAsync(reopened));
    }

    [Fact]
    public async Task Records_without_a_source_fuse_as_two_lists()
    {
        using var collection = await Database.CreateAsync(new CollectionSpec("plain", Dimension));
        await collection.UpsertAsync([.. Pages().Select(r => r with { Metadata = null })]);
        Assert.Equal("list-0", await TopAsync(collection));
    }

    [Fact]
    public void Fusion_without_documents_is_the_two_list_fusion()
    {
        IReadOnlyList<(string, double)> dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)];
        IReadOnlyList<(string, double)> text = [("c", 12.0), ("d", 3.0), ("a", 1.0)];
        foreach (var fusion in new[] { FusionMethod.WeightedScore, FusionMethod.ReciprocalRank })
        {
            var options = new SearchOptions { K = 4, Fusion = fusion, DenseWeight = 0.3, TextWeight = 0.7 };
            var two = ScoreFusion.Fuse([(dense, 0.3), (text, 0.7)], fusion, 4);
            var sources = new Dictionary<string, string> { ["a"] = "x", ["c"] = "y" };
            Assert.Equal(two, ScoreFusion.FuseHybrid(dense, text, [], sources, options));
        }
    }
}
