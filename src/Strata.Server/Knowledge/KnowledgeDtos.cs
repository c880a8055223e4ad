using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Server.Knowledge;

/// <summary>The body of <c>POST /api/collections</c>.</summary>
/// <param name="Name">Letters, digits, '_' and '-', at most 64 characters.</param>
/// <param name="Dimension">Vector length; probed from <paramref name="EmbeddingModel"/> when omitted.</param>
/// <param name="Distance"><c>cosine</c> (default), <c>dot</c> or <c>l2</c>.</param>
/// <param name="EmbeddingModel">The model that embeds text for this collection (default <c>minilm</c>).</param>
public sealed record CreateCollectionRequest(string Name, int? Dimension = null, string? Distance = null, string? EmbeddingModel = null);

/// <summary>A collection with its size and index state.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Count">Live records.</param>
/// <param name="Dimension">Vector length.</param>
/// <param name="Distance">How vectors are compared.</param>
/// <param name="EmbeddingModel">The model that embeds its text, if any.</param>
/// <param name="BytesOnDisk">Size of its files.</param>
/// <param name="IndexState"><c>current</c> or <c>behind</c>.</param>
/// <param name="IndexNodes">Nodes in its HNSW graph.</param>
/// <param name="IndexTombstones">Deleted nodes not yet compacted.</param>
public sealed record CollectionInfo(
    string Name, long Count, int Dimension, string Distance, string? EmbeddingModel, long BytesOnDisk, string IndexState, int IndexNodes, int IndexTombstones);

/// <summary>One record to write.</summary>
/// <param name="Id">Unique key within the collection.</param>
/// <param name="Vector">The embedding; when omitted, <paramref name="Document"/> is embedded with the collection's model.</param>
/// <param name="Document">Text, indexed for BM25.</param>
/// <param name="Metadata">A JSON object of strings, numbers, booleans or arrays of them.</param>
public sealed record RecordInput(string Id, float[]? Vector = null, string? Document = null, JsonObject? Metadata = null);

/// <summary>The body of <c>POST /api/collections/{name}/records</c>.</summary>
/// <param name="Records">The records, written all or nothing.</param>
public sealed record UpsertRecordsRequest(IReadOnlyList<RecordInput> Records);

/// <summary>How many records a write touched.</summary>
/// <param name="Count">Records written or deleted.</param>
public sealed record WriteResult(int Count);

/// <summary>A stored record.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Document">Its text.</param>
/// <param name="Metadata">Its metadata.</param>
/// <param name="Vector">Its vector, when asked for.</param>
public sealed record RecordView(string Id, string? Document, JsonObject? Metadata, float[]? Vector);

/// <summary>The body of <c>POST /api/collections/{name}/records/delete</c>: ids or a filter, not both.</summary>
/// <param name="Ids">Record ids.</param>
/// <param name="Filter">A metadata filter, e.g. <c>{"field":"lang","eq":"en"}</c>.</param>
public sealed record DeleteRecordsRequest(IReadOnlyList<string>? Ids = null, JsonElement? Filter = null);

/// <summary>The body of <c>POST /api/collections/{name}/records/scroll</c>.</summary>
/// <param name="Filter">Only matching records.</param>
/// <param name="Cursor">The <c>nextCursor</c> of the previous page.</param>
/// <param name="Limit">Records per page (1..1000, default 100).</param>
/// <param name="IncludeVectors">Return vectors too.</param>
public sealed record ScrollRequest(JsonElement? Filter = null, string? Cursor = null, int? Limit = null, bool IncludeVectors = false);

/// <summary>One page of records in id order.</summary>
/// <param name="Records">The page.</param>
/// <param name="NextCursor">Pass back for the next page; null at the end.</param>
public sealed record ScrollResult(IReadOnlyList<RecordView> Records, string? NextCursor);

/// <summary>The body of <c>POST /api/collections/{name}/search</c>.</summary>
/// <param name="Text">Query text: embedded with the collection's model for dense search, matched by BM25.</param>
/// <param name="Vector">A query vector instead of text (dense mode only).</param>
/// <param name="Mode"><c>dense</c> (default), <c>bm25</c> or <c>hybrid</c>.</param>
/// <param name="K">How many results (1..1000, default 10; the range is <c>RagLimits</c>'s).</param>
/// <param name="Filter">A metadata filter as a JSON object (or a string holding one).</param>
/// <param name="Fusion">Hybrid fusion: <c>weighted</c> (min-max scores, default) or <c>rrf</c>.</param>
/// <param name="IncludeVectors">Return vectors too.</param>
public sealed record SearchRequest(
    string? Text = null, float[]? Vector = null, string? Mode = null, int? K = null, JsonElement? Filter = null, string? Fusion = null, bool IncludeVectors = false);

/// <summary>One search result.</summary>
/// <param name="Id">The record's id.</param>
/// <param name="Score">Higher is better; the scale depends on the mode.</param>
/// <param name="Document">The record's text.</param>
/// <param name="Metadata">The record's metadata.</param>
/// <param name="Vector">Its vector, when asked for.</param>
public sealed record SearchResultView(string Id, double Score, string? Document, JsonObject? Metadata, float[]? Vector);

/// <summary>The results of a search.</summary>
/// <param name="Results">Best first.</param>
public sealed record SearchResponse(IReadOnlyList<SearchResultView> Results);

/// <summary>An uploaded document's ingestion record.</summary>
/// <param name="Document">Its name in the collection (the safe file name it was saved under).</param>
/// <param name="State"><c>queued</c>, <c>processing</c>, <c>ready</c> or <c>failed</c>.</param>
/// <param name="Reason">Why it failed.</param>
/// <param name="Title">Its title, when known.</param>
/// <param name="Chunks">Chunks stored.</param>
/// <param name="Steps">Steps done: extract, chunk, embed, store.</param>
/// <param name="Updated">When the record last changed.</param>
public sealed record DocumentView(string Document, string State, string? Reason, string? Title, int Chunks, IReadOnlyList<string> Steps, DateTimeOffset Updated);

/// <summary>One stored chunk of a document.</summary>
/// <param name="Id">The record id.</param>
/// <param name="Chunk">Its position in the document.</param>
/// <param name="Page">Its page, for paged documents.</param>
/// <param name="Section">The heading path it sits under.</param>
/// <param name="Text">Its text.</param>
public sealed record ChunkView(string Id, int Chunk, int? Page, string? Section, string Text);

/// <summary>The body of <c>POST /api/collections/{name}/ask</c>.</summary>
/// <param name="Question">The question.</param>
/// <param name="Mode">Retrieval: <c>hybrid</c> (default), <c>dense</c> or <c>bm25</c>.</param>
/// <param name="K">Passages to retrieve (1..50, default 6; the range is <c>RagLimits</c>'s).</param>
/// <param name="Model">The chat model; default <c>Models:DefaultChat</c>; none configured gives an extractive answer.</param>
/// <param name="Stream">Stream server-sent events: <c>delta</c> events, then <c>citations</c>, then <c>done</c>.</param>
public sealed record AskRequest(string Question, string? Mode = null, int? K = null, string? Model = null, bool Stream = false);

/// <summary>A citation of an answer.</summary>
/// <param name="N">The number the answer cites.</param>
/// <param name="Document">The cited document's name in the collection.</param>
/// <param name="Page">Its page, for paged documents.</param>
/// <param name="Chunk">The chunk's position in the document.</param>
/// <param name="Text">The passage.</param>
/// <param name="Link">The web UI's view of that chunk.</param>
public sealed record CitationView(int N, string Document, int? Page, int Chunk, string Text, string Link);

/// <summary>An answer with its citations.</summary>
/// <param name="Answer">The answer text.</param>
/// <param name="Extractive">True when no chat model was used and the answer quotes the passages.</param>
/// <param name="Citations">The citations the answer makes.</param>
/// <param name="RemovedCitations">Citation numbers the model made up, removed from the answer.</param>
public sealed record AskResponse(string Answer, bool Extractive, IReadOnlyList<CitationView> Citations, IReadOnlyList<int> RemovedCitations);
