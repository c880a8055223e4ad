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
    public async Task<IReadOnlyList<IngestedDocument>> ListAsync(string collection, CancellationToken cancellationToken = default)
    {
        await collections.GetAsync(collection, cancellationToken);
        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, collection));
        return ledger.List();
    }

    /// <summary>The document named <paramref name="document"/>.</summary>
    /// <exception cref="OpenAiRequestException">No such collection or document (404).</exception>
    public async Task<IngestedDocument> FindAsync(string collection, string document, CancellationToken cancellationToken = default) =>
        (await ListAsync(collection, cancellationToken)).FirstOrDefault(d => DocumentNames.Of(d.Source) == document)
            ?? throw new OpenAiRequestException($"Collection '{collection}' has no document '{document}'.", "document", "document_not_found", StatusCodes.Status404NotFound);

    /// <summary>
    /// Deletes <paramref name="source"/>'s chunks and its ledger record, and its file when it is an upload (a document
    /// that <c>strata ingest</c> read from elsewhere keeps its file: it is the user's).
    /// </summary>
    public async Task RemoveAsync(string collection, string source, CancellationToken cancellationToken = default)
    {
        var store = await collections.GetAsync(collection, cancellationToken);
        await store.DeleteAsync(MetadataFilter.Parse(new JsonObject { ["field"] = "source", ["eq"] = source }), cancellationToken);
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
    public async Task<IReadOnlyList<ChunkView>> ChunksAsync(string collection, string document, CancellationToken cancellationToken = default)
    {
        var source = (await FindAsync(collection, document, cancellationToken)).Source;
        var store = await collections.GetAsync(collection, cancellationToken);
        var filter = MetadataFilter.Parse(new JsonObject { ["field"] = "source", ["eq"] = source });
        var chunks = new List<ChunkView>();
        string? cursor = null;
        do
        {
            var page = await store.ScrollAsync(filter, cursor, 1000, cancellationToken);
            chunks.AddRange(page.Records.Select(r => new ChunkView(r.Id, DocumentNames.Number(r.Metadata, "chunk") ?? 0,
                DocumentNames.Number(r.Metadata, "page"), DocumentNames.Text(r.Metadata, "section"), r.Document ?? "")));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return chunks.OrderBy(c => c.Chunk).ToList();
    }
}
