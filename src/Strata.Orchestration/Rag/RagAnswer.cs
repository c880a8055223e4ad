using Strata.Orchestration.Citations;

namespace Strata.Orchestration.Rag;

/// <summary>An answer with the passages it drew on.</summary>
/// <param name="Answer">The answer text; citations to passages that were not in the context are removed.</param>
/// <param name="Citations">The citations the answer makes, each mapped to its passage.</param>
/// <param name="Passages">Every passage given as context.</param>
/// <param name="Extractive">True when no chat model was used and the answer quotes the passages.</param>
/// <param name="RemovedCitations">Citation numbers the model made up (not in the context), removed from the answer.</param>
public sealed record RagAnswer(string Answer, IReadOnlyList<Citation> Citations, IReadOnlyList<ContextPassage> Passages, bool Extractive, IReadOnlyList<int> RemovedCitations);
