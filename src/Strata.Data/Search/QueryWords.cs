using System.Text;

namespace Strata.Data.Search;

/// <summary>
/// The words of a keyword query: runs of letters and digits, distinct, in order. Both backends build their full-text
/// queries from them (FTS5 quoted terms, a tsquery), so nothing a user types is read as query syntax.
/// </summary>
internal static class QueryWords
{
    /// <summary>The most words a query keeps; the rest of a long text adds little and costs a posting list each.</summary>
    public const int MaxWords = 64;

    /// <summary>The distinct words of <paramref name="text"/>, at most <paramref name="max"/>, in order.</summary>
    public static List<string> Of(string text, int max = MaxWords)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                if (words.Count < max && seen.Add(word.ToString()))
                {
                    words.Add(word.ToString());
                }

                word.Clear();
            }
        }

        return words;
    }
}
