namespace Strata.Orchestration.Citations;

/// <summary>An answer whose citations were checked against its context.</summary>
/// <param name="Text">The answer with every citation of a passage that does not exist taken out.</param>
/// <param name="Citations">The valid citations, each number once, in order of first appearance.</param>
/// <param name="UnknownNumbers">The numbers the answer cited that no passage has, each once, in order of first appearance.</param>
public sealed record CheckedAnswer(string Text, IReadOnlyList<Citation> Citations, IReadOnlyList<int> UnknownNumbers)
{
    /// <summary>Whether every number the answer cited exists in the context.</summary>
    public bool AllCitationsExist => UnknownNumbers.Count == 0;
}
