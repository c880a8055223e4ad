namespace Strata.Data.Ingestion;

/// <summary>What one ingestion run did.</summary>
/// <param name="Added">Documents ingested for the first time.</param>
/// <param name="Updated">Documents whose content changed and whose chunks were replaced.</param>
/// <param name="Unchanged">Documents skipped because their content hash matched.</param>
/// <param name="Removed">Documents whose source file is gone; their chunks were deleted.</param>
/// <param name="Failed">Documents that failed, with their reasons.</param>
/// <param name="Chunks">Chunks embedded and stored in this run.</param>
public sealed record IngestionReport(int Added, int Updated, int Unchanged, int Removed, IReadOnlyList<IngestedDocument> Failed, int Chunks);

/// <summary>Progress of an ingestion run, reported after each document.</summary>
/// <param name="Done">Documents finished (in any state).</param>
/// <param name="Total">Documents in the run.</param>
/// <param name="Current">The document just finished.</param>
/// <param name="State">Its state.</param>
public sealed record IngestionProgress(int Done, int Total, string Current, DocumentState State);
