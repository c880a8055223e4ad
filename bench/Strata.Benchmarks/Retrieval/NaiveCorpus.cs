using AngleSharp.Html.Parser;

namespace Strata.Benchmarks.Retrieval;

/// <summary>One window of a page: its source path and its text.</summary>
/// <param name="Source">The page's absolute path, as <c>strata ingest</c> records a chunk's source.</param>
/// <param name="Text">The window's words, joined by single spaces.</param>
internal sealed record NaiveWindow(string Source, string Text);

/// <summary>
/// The naive baseline's text: every HTML page's body as plain text, cut into windows of a fixed number of words. Nothing
/// of Strata's loader or chunker is used, on purpose: no main-content root, no furniture removal, no headings, no token budget.
/// </summary>
internal static class NaiveCorpus
{
    /// <summary>
    /// All text of the page's <c>&lt;body&gt;</c> (navigation bars, sidebars and footer included), without the contents
    /// of <c>script</c> and <c>style</c> elements, which are code rather than text a reader sees.
    /// </summary>
    public static string BodyText(string html)
    {
        using var document = new HtmlParser().ParseDocument(html);
        var root = document.Body ?? document.DocumentElement;
        foreach (var element in root.QuerySelectorAll("script, style").ToList())
        {
            element.Remove();
        }

        return root.TextContent;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into consecutive windows of <paramref name="words"/> whitespace-separated words, no
    /// overlap; the last window holds what is left (a page shorter than one window is one window).
    /// </summary>
    public static IEnumerable<string> Windows(string text, int words)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(words, 1);
        var all = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var start = 0; start < all.Length; start += words)
        {
            yield return string.Join(' ', all, start, Math.Min(words, all.Length - start));
        }
    }

    /// <summary>Reads each page and cuts it into windows, in the order of <paramref name="pages"/>.</summary>
    public static List<NaiveWindow> Read(IEnumerable<string> pages, int words) =>
        [.. pages.SelectMany(page => Windows(BodyText(File.ReadAllText(page)), words).Select(text => new NaiveWindow(page, text)))];
}
