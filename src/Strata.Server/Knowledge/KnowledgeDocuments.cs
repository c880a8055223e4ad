using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Strata.Data.Filters;
using Strata.Data.Ingestion;
using Strata.Core;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>A collection's ingested documents by name, and their stored chunks: what the API and the document view show.</summary>
public sealed class KnowledgeDocuments(OpenCollections collections, StrataPaths paths)
{
    /// <summary>Every document of <paramref name="collection"/> with its state.</summary>
    public IReadOnlyList<IngestedDocument> List(string collection)
    {
        collections.Get(collection);
        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, collection));
        return ledger.List();
    }

    /// <summary>The document named <paramref name="document"/>.</summary>
    /// <exception cref="OpenAiRequestException">No such collection or document (404).</exception>
    public IngestedDocument Find(string collection, string document) =>
        List(collection).FirstOrDefault(d => DocumentNames.Of(d.Source) == document)
            ?? throw new OpenAiRequestException($"Collection '{collection}' has no document '{document}'.", "document", "document_not_found", StatusCodes.Status404NotFound);

    /// <summary>
    /// Deletes <paramref name="source"/>'s chunks and its ledger record, and its file when it is an upload (a document
    /// that <c>strata ingest</c> read from elsewhere keeps its file: it is the user's).
    /// </summary>
    public void Remove(string collection, string source)
    {
        var store = collections.Get(collection);
        store.Delete(MetadataFilter.Parse(new JsonObject { ["field"] = "source", ["eq"] = source }));
        using (var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, collection)))
        {
            ledger.Remove(source);
        }

        var uploads = Path.GetFullPath(IngestionPaths.Uploads(paths, collection)) + Path.DirectorySeparatorChar;
        if (Path.GetFullPath(source).StartsWith(uploads, StringComparison.Ordinal))
        {
            File.Delete(source);
        }
    }

    /// <summary>The stored chunks of <paramref name="document"/>, in document order.</summary>
    public IReadOnlyList<ChunkView> Chunks(string collection, string document)
    {
        var source = Find(collection, document).Source;
        var store = collections.Get(collection);
        var filter = MetadataFilter.Parse(new JsonObject { ["field"] = "source", ["eq"] = source });
        var chunks = new List<ChunkView>();
        string? cursor = null;
        do
        {
            var page = store.Scroll(filter, cursor, 1000);
            chunks.AddRange(page.Records.Select(r => new ChunkView(r.Id, DocumentNames.Number(r.Metadata, "chunk") ?? 0,
                DocumentNames.Number(r.Metadata, "page"), DocumentNames.Text(r.Metadata, "section"), r.Document ?? "")));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return chunks.OrderBy(c => c.Chunk).ToList();
    }
}
