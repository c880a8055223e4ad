namespace Strata.Orchestration.Citations;

/// <summary>A passage given to the model as context, numbered the way the answer cites it.</summary>
/// <param name="Number">The number the prompt shows and the answer cites, from 1.</param>
/// <param name="Source">The document's file path or URL.</param>
/// <param name="PageNumber">The page it is on, for paged documents; otherwise null.</param>
/// <param name="ChunkIndex">The chunk's position in its document.</param>
/// <param name="Text">The passage text.</param>
/// <param name="Heading">The heading path it sits under, joined for display, or null.</param>
public sealed record ContextPassage(int Number, string Source, int? PageNumber, int ChunkIndex, string Text, string? Heading = null);
