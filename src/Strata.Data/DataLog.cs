using Microsoft.Extensions.Logging;

namespace Strata.Data;

/// <summary>
/// The data layer's log messages, source-generated. Sources, counts and timings at Debug and above; the text of a
/// document only at Trace, because it is the user's data.
/// </summary>
public static partial class DataLog
{
    /// <summary>An index rebuilt without its deleted nodes.</summary>
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Compacted the index of collection {Collection}: {Tombstones} deleted nodes dropped, {Count} kept, in {ElapsedMs:0} ms")]
    public static partial void IndexCompacted(this ILogger logger, string collection, int tombstones, int count, double elapsedMs);

    /// <summary>A document unchanged since its last ingestion.</summary>
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Ingestion into {Collection}: {Source} is unchanged, skipped")]
    public static partial void DocumentUnchanged(this ILogger logger, string collection, string source);

    /// <summary>The extract step of a document.</summary>
    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Ingestion into {Collection}: extracted {Characters} characters from {Source}")]
    public static partial void DocumentExtracted(this ILogger logger, string collection, string source, int characters);

    /// <summary>The text extracted from a document: the user's data, so at Trace only.</summary>
    [LoggerMessage(EventId = 2103, Level = LogLevel.Trace, Message = "Ingestion into {Collection}: text of {Source}: {Text}")]
    public static partial void DocumentText(this ILogger logger, string collection, string source, string text);

    /// <summary>The chunk step of a document.</summary>
    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Ingestion into {Collection}: {Source} cut into {Chunks} chunks")]
    public static partial void DocumentChunked(this ILogger logger, string collection, string source, int chunks);

    /// <summary>One embedding call over the chunks of several documents.</summary>
    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Ingestion into {Collection}: embedded {Chunks} chunks of {Documents} documents in {ElapsedMs:0} ms")]
    public static partial void ChunksEmbedded(this ILogger logger, string collection, int chunks, int documents, double elapsedMs);

    /// <summary>A document stored and ready for search.</summary>
    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Ingestion into {Collection}: {Source} is ready ({Chunks} chunks)")]
    public static partial void DocumentReady(this ILogger logger, string collection, string source, int chunks);

    /// <summary>A document that failed one of the steps.</summary>
    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "Ingestion into {Collection}: {Source} failed: {Reason}")]
    public static partial void DocumentFailed(this ILogger logger, string collection, string source, string reason);
}
