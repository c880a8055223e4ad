namespace Strata.Data.Ingestion;

/// <summary>Where a document is in ingestion: <c>queued → processing → ready | failed</c>.</summary>
public enum DocumentState
{
    /// <summary>Seen, not yet worked on.</summary>
    Queued,

    /// <summary>Being extracted, chunked, embedded and stored.</summary>
    Processing,

    /// <summary>Its chunks are stored and searchable.</summary>
    Ready,

    /// <summary>It could not be ingested; <see cref="IngestedDocument.Reason"/> says why. It is not retried until it changes.</summary>
    Failed,
}

/// <summary>One source document's ingestion record.</summary>
/// <param name="Source">The file path (or URL) the document came from.</param>
/// <param name="ContentHash">SHA-256 of the bytes last ingested or attempted (of the extracted text for web pages, whose bytes vary by response).</param>
/// <param name="State">Its state.</param>
/// <param name="Reason">Why it failed, when it did.</param>
/// <param name="Title">The document's title, when ready.</param>
/// <param name="Chunks">How many chunks it has in the collection.</param>
/// <param name="Steps">The named steps completed for this content hash (extract, chunk, embed, store).</param>
/// <param name="Updated">When the record last changed.</param>
public sealed record IngestedDocument(
    string Source, string ContentHash, DocumentState State, string? Reason, string? Title, int Chunks, IReadOnlyList<string> Steps, DateTimeOffset Updated);
