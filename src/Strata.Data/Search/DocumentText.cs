namespace Strata.Data.Search;

/// <summary>
/// Document-level text evidence for hybrid search: records that name their source document in metadata (as ingestion's
/// chunks do) are also scored by BM25 over that whole document, weighted by <see cref="SearchOptions.DocumentTextShare"/>.
/// </summary>
public static class DocumentText
{
    /// <summary>The metadata key naming a record's source document; ingestion writes each chunk's file path or URL there.</summary>
    public const string SourceKey = "source";
}
