using System.Text.Json;
using Strata.Data.Collections;

namespace Strata.Data.Search;

/// <summary>
/// Document-level evidence for hybrid search: records that name their source document in metadata (as ingestion's chunks
/// do) are also scored by BM25 over that whole document, weighted by <see cref="SearchOptions.DocumentTextShare"/>, and by
/// the best dense score among that document's records, weighted by <see cref="SearchOptions.DocumentDenseShare"/>.
/// </summary>
public static class DocumentText
{
    /// <summary>The metadata key naming a record's source document; ingestion writes each chunk's file path or URL there.</summary>
    public const string SourceKey = "source";

    /// <summary>The source document <paramref name="record"/> names (a string under <see cref="SourceKey"/>), or null.</summary>
    internal static string? SourceOf(VectorRecord record) =>
        record.Metadata?[SourceKey] is { } node && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
