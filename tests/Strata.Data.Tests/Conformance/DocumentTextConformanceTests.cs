using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Conformance;

/// <summary>
/// Hybrid search's document-level evidence (the text of each source document as a whole, and the best dense score among
/// its records), on every backend.
/// </summary>
public abstract class DocumentTextConformanceTests : IDisposable
{
    private const int Dimension = 4;
    private const string Query = "double ended queue rotate maxlen";
    private readonly List<IVectorCollection> opened = [];
    private IVectorDatabase? database;

    /// <summary>A fresh database of the backend under test.</summary>
    protected abstract IVectorDatabase CreateDatabase();

    /// <summary>Takes the collection back to how earlier versions stored it: records only, no document texts.</summary>
    protected abstract Task RemoveDocumentTextsAsync(string collection);

    private IVectorDatabase Database => database ??= CreateDatabase();

    public virtual void Dispose()
    {
        foreach (var collection in opened)
        {
            collection.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private async Task<IVectorCollection> NewCollectionAsync(string name)
    {
        var collection = await Database.CreateAsync(new CollectionSpec(name, Dimension));
        opened.Add(collection);
        return collection;
    }

    private static string UniqueName() => "d" + Guid.NewGuid().ToString("N")[..12];

    // Every record has the query's vector, so the dense list carries no preference and the text decides. "list-0" holds
    // every query word in one chunk, so it leads chunk-level ranking; the deque page holds them across three short
    // chunks, so as a whole it is the better page (the same words in a fifth of the text). Three unrelated pages keep the
    // words rare enough for BM25's idf to stay positive.
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

    private static VectorRecord Chunk(string id, string source, string text, float[]? vector = null) =>
        new(id, vector ?? [1, 0, 0, 0], text, new JsonObject { [DocumentText.SourceKey] = source });

    private static async Task<string> TopAsync(IVectorCollection collection, double share = 0.75) =>
        (await collection.SearchHybridAsync([1, 0, 0, 0], Query, new SearchOptions { K = 3, DocumentTextShare = share }))[0].Id;

    [Fact]
    public async Task A_chunk_of_the_page_that_matches_as_a_whole_ranks_above_the_chunk_that_matches_alone()
    {
        var collection = await NewCollectionAsync(UniqueName());
        await collection.UpsertAsync(Pages());
        Assert.StartsWith("deque-", await TopAsync(collection));
        // Without the document's share, the chunks' own text decides, as before.
        Assert.Equal("list-0", await TopAsync(collection, share: 0));
        Assert.Equal("list-0", (await collection.SearchTextAsync(Query))[0].Id);
    }

    [Fact]
    public async Task Each_write_keeps_the_document_texts_current()
    {
        var collection = await NewCollectionAsync(UniqueName());
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

        // A record that moves to another source takes its text along.
        await collection.UpsertAsync(Pages()[..3]);
        await collection.UpsertAsync([.. Pages()[..3].Select(r => Chunk(r.Id, "other.html", r.Document!))]);
        Assert.StartsWith("deque-", await TopAsync(collection));
        Assert.Equal(3, await collection.CountAsync(MetadataFilter.Parse(new JsonObject { ["field"] = DocumentText.SourceKey, ["eq"] = "other.html" })));
    }

    [Fact]
    public async Task A_collection_stored_before_document_texts_gets_them_when_opened()
    {
        var name = UniqueName();
        using (var collection = await Database.CreateAsync(new CollectionSpec(name, Dimension)))
        {
            await collection.UpsertAsync(Pages());
        }

        await RemoveDocumentTextsAsync(name);
        var reopened = await Database.OpenAsync(name);
        opened.Add(reopened);
        Assert.StartsWith("deque-", await TopAsync(reopened));
    }

    [Fact]
    public async Task Records_without_a_source_fuse_as_two_lists()
    {
        var collection = await NewCollectionAsync(UniqueName());
        await collection.UpsertAsync([.. Pages().Select(r => r with { Metadata = null })]);
        Assert.Equal("list-0", await TopAsync(collection));
    }

    // The sets page says what it is for in one chunk (nearest in meaning, none of the query's words) and names the
    // methods in another (every word, far in meaning). The dicts chunk is fairly near and holds most of the words: second
    // in both lists, the compromise that chunk-level fusion prefers. The other pages keep the words rare.
    private static VectorRecord[] SplitPage() =>
    [
        Chunk("set-0", "sets.html", "an unordered collection of distinct hashable objects", [1, 0, 0, 0]),
        Chunk("set-1", "sets.html", "frozenset union intersection difference", [-1, 0, 0, 0]),
        Chunk("dict-0", "dicts.html", "union intersection difference of dicts", [0.6f, 0.8f, 0, 0]),
        Chunk("time-0", "time.html", "intersection of time ranges", [0, 0, 1, 0]),
        Chunk("json-0", "json.html", "encode and decode objects as text", [0, 1, 0, 0]),
        Chunk("math-0", "math.html", "square roots logarithms and trigonometry", [0, 0, 0, 1]),
        Chunk("os-0", "os.html", "environment variables and process ids", [0, 0, 1, 0]),
        Chunk("re-0", "re.html", "regular expression patterns and flags", [0, 0, 0, 1]),
        Chunk("csv-0", "csv.html", "read rows of comma separated values", [0, 1, 0, 0]),
        Chunk("zip-0", "zip.html", "compress files into an archive", [0, 0, 1, 0]),
        Chunk("log-0", "log.html", "write messages at several levels", [0, 0, 0, 1]),
        Chunk("sock-0", "sock.html", "connect to a server and send bytes", [0, 1, 0, 0]),
    ];

    [Fact]
    public async Task A_chunk_shares_the_dense_score_of_its_pages_nearest_chunk()
    {
        var collection = await NewCollectionAsync(UniqueName());
        await collection.UpsertAsync(SplitPage());
        const string query = "frozenset union intersection difference";
        // Page-level text is left out so that only the dense side's page evidence differs.
        var options = new SearchOptions { K = 3, DocumentTextShare = 0 };

        Assert.Equal("set-1", (await collection.SearchHybridAsync([1, 0, 0, 0], query, options))[0].Id);
        Assert.Equal("dict-0", (await collection.SearchHybridAsync([1, 0, 0, 0], query, options with { DocumentDenseShare = 0 }))[0].Id);
        // Without sources, each record is scored alone.
        var unsourced = await NewCollectionAsync(UniqueName());
        await unsourced.UpsertAsync([.. SplitPage().Select(r => r with { Metadata = null })]);
        Assert.Equal("dict-0", (await unsourced.SearchHybridAsync([1, 0, 0, 0], query, options))[0].Id);
    }
}
