using System.Globalization;
using System.Text.RegularExpressions;

namespace Strata.Orchestration.Citations;

/// <summary>
/// Finds citation markers (<c>[1]</c>, <c>[1, 3]</c>, <c>[1][2]</c>) in an answer, maps them to the passages the
/// model was given, and removes the numbers no passage has, so an answer never points at a source that was not
/// in its context.
/// </summary>
public static partial class CitationChecker
{
    /// <summary>Checks <paramref name="answer"/>'s citations against <paramref name="passages"/>.</summary>
    public static CheckedAnswer Check(string answer, IReadOnlyList<ContextPassage> passages)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(passages);
        var byNumber = new Dictionary<int, ContextPassage>();
        foreach (var passage in passages)
        {
            if (!byNumber.TryAdd(passage.Number, passage))
            {
                throw new ArgumentException($"Two passages are numbered {passage.Number}.", nameof(passages));
            }
        }

        var cited = new List<Citation>();
        var unknown = new List<int>();
        var text = Marker().Replace(answer, match =>
        {
            var kept = new List<int>();
            foreach (var capture in match.Groups["number"].Captures.Cast<Capture>())
            {
                var number = int.Parse(capture.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
                if (byNumber.TryGetValue(number, out var passage))
                {
                    kept.Add(number);
                    if (!cited.Exists(c => c.Number == number))
                    {
                        cited.Add(new Citation(number, passage));
                    }
                }
                else if (!unknown.Contains(number))
                {
                    unknown.Add(number);
                }
            }

            if (kept.Count == match.Groups["number"].Captures.Count)
            {
                return match.Value;
            }

            // A marker left with no valid number goes with the space before it, so "text [9]." reads "text.".
            return kept.Count == 0 ? "" : $"{match.Groups["space"].Value}[{string.Join(", ", kept)}]";
        });
        return new CheckedAnswer(text, cited, unknown);
    }

    // Six digits at most: a longer bracketed number is no citation of a prompt's handful of passages.
    [GeneratedRegex(@"(?<space>[ \t]*)\[\s*(?<number>\d{1,6})(?:\s*,\s*(?<number>\d{1,6}))*\s*\]")]
    private static partial Regex Marker();
}
