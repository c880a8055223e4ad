using System.Text.RegularExpressions;

namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>
/// Cuts paragraphs into passages the size of a sentence-embedding query or hit: one sentence each, a sentence shorter
/// than <see cref="MinWords"/> words joined to the one after it, a sentence longer than <see cref="MaxWords"/> cut into
/// pieces; a fragment still shorter than <see cref="MinWords"/> at the end of a paragraph (a heading, a term) is dropped.
/// </summary>
public static partial class Passages
{
    /// <summary>The fewest words a passage has.</summary>
    public const int MinWords = 10;

    /// <summary>The most words a passage has.</summary>
    public const int MaxWords = 60;

    /// <summary>The passages of one paragraph, in order.</summary>
    public static IEnumerable<string> Split(string paragraph)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        var packed = new List<string>();
        foreach (var sentence in SentenceEnd().Split(paragraph.Trim()))
        {
            var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var start = 0; start < words.Length; start += MaxWords)
            {
                var piece = words[start..Math.Min(words.Length, start + MaxWords)];
                if (packed.Count + piece.Length > MaxWords)
                {
                    packed.Clear(); // A short fragment that would make the passage too long: it stands for little on its own.
                }

                packed.AddRange(piece);
                if (packed.Count >= MinWords)
                {
                    yield return string.Join(' ', packed);
                    packed.Clear();
                }
            }
        }
    }

    // A sentence ends at . ! or ? (optionally closed by a quote or bracket) followed by a space and a capital letter or
    // opening bracket; "e.g. the" does not end one, which keeps most abbreviations inside their sentence.
    [GeneratedRegex(@"(?<=[.!?][""')\]]?)\s+(?=[A-Z(\[""])")]
    private static partial Regex SentenceEnd();
}
