namespace Strata.Orchestration.Citations;

/// <summary>A citation in an answer that points at a passage the model was given.</summary>
/// <param name="Number">The number the answer cites.</param>
/// <param name="Passage">The passage with that number: document, page and chunk.</param>
public sealed record Citation(int Number, ContextPassage Passage);
