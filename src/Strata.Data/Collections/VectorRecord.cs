using System.Text.Json.Nodes;

namespace Strata.Data.Collections;

/// <summary>One record of a collection.</summary>
/// <param name="Id">Unique key within the collection (1..512 characters).</param>
/// <param name="Vector">The embedding; its length must equal the collection's dimension and every value be finite.</param>
/// <param name="Document">Optional text, indexed for BM25 full-text search.</param>
/// <param name="Metadata">Optional metadata: a JSON object whose values are strings, numbers, booleans or arrays of them.</param>
public sealed record VectorRecord(string Id, float[] Vector, string? Document = null, JsonObject? Metadata = null);

/// <summary>One search result.</summary>
/// <param name="Id">The record's id.</param>
/// <param name="Score">Higher is better; its meaning depends on the query (similarity, BM25, fused score).</param>
/// <param name="Document">The record's text, if any.</param>
/// <param name="Metadata">The record's metadata.</param>
/// <param name="Vector">The record's vector, when asked for.</param>
public sealed record SearchHit(string Id, double Score, string? Document, JsonObject? Metadata, float[]? Vector = null);

/// <summary>One page of a scroll through a collection, in id order.</summary>
/// <param name="Records">The records of this page.</param>
/// <param name="NextCursor">Pass it to the next call; null when there is nothing more.</param>
public sealed record ScrollPage(IReadOnlyList<VectorRecord> Records, string? NextCursor);

/// <summary>Size and index state of a collection.</summary>
/// <param name="Name">The collection.</param>
/// <param name="Count">Live records.</param>
/// <param name="BytesOnDisk">SQLite files (db, WAL, shared memory) plus the index file.</param>
/// <param name="IndexNodes">Nodes in the HNSW graph, tombstoned ones included.</param>
/// <param name="IndexTombstones">Deleted or replaced nodes not yet compacted away.</param>
/// <param name="IndexHighWaterMark">The last change sequence number the index reflects.</param>
/// <param name="StoreSequence">The last change sequence number in SQLite.</param>
public sealed record CollectionStats(string Name, long Count, long BytesOnDisk, int IndexNodes, int IndexTombstones, long IndexHighWaterMark, long StoreSequence)
{
    /// <summary>"current" when the index reflects every change in SQLite, else "behind".</summary>
    public string IndexState => IndexHighWaterMark >= StoreSequence ? "current" : "behind";
}
