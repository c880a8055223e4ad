namespace Strata.Data.Documents;

/// <summary>
/// A linear check of how deep an HTML page nests its elements, run before the page is parsed. An HTML5 tree builder
/// looks through its stack of open elements for most tags, so its time grows with the square of the depth: a 600 KB
/// page of 100,000 nested <c>&lt;div&gt;</c>s took 47 s to parse, a 6 MB one was still parsing after 10 minutes, and a parse cannot be
/// stopped midway. Browsers bound the same thing (Chromium's parser stops nesting at 512 levels); a page deeper than
/// <see cref="MaxDepth"/> is refused with that reason instead.
/// </summary>
/// <remarks>
/// Written by hand because the parser itself is what must not run, and its tokenizer alone does not know which
/// elements hold raw text. The count is an upper bound of the tree's depth: start tags of elements that can hold
/// content, less their end tags, skipping comments, the raw text of script, style, textarea and title, void elements,
/// self-closed tags and the elements whose end tag HTML lets a page leave out (p, li, td, option, …), which a sloppy
/// page leaves open by the thousand without nesting anything.
/// </remarks>
internal static class HtmlNesting
{
    /// <summary>The deepest nesting accepted: pages people write nest a few dozen levels, generated ones a few hundred.</summary>
    public const int MaxDepth = 4096;

    /// <summary>
    /// The most elements accepted. The parsed tree holds about 340 bytes per node (12 MB of <c>&lt;p&gt;a</c>: 3 million
    /// elements, 2.1 GB), so this bounds one page's tree to some 700 MB; a long reference page has tens of thousands.
    /// </summary>
    public const int MaxElements = 1_000_000;

    private static readonly HashSet<string> Uncounted = new(StringComparer.OrdinalIgnoreCase)
    {
        // Void elements: never have content or an end tag.
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen",
        // Elements whose end tag may be omitted, closed implicitly by the next one or their parent's end.
        "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rtc", "rp",
        "caption", "colgroup", "html", "head", "body",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "textarea", "title", "xmp", "noembed", "noframes" };

    /// <summary>Throws when <paramref name="html"/> nests elements deeper than <see cref="MaxDepth"/> or has more than <see cref="MaxElements"/>.</summary>
    /// <exception cref="DocumentFormatException">The page nests too deep or has too many elements.</exception>
    public static void Check(string html)
    {
        var depth = 0;
        var elements = 0;
        var position = html.IndexOf('<', StringComparison.Ordinal);
        // Every step moves past what it read, so the scan is linear in the page's length whatever the page holds.
        while (position >= 0 && position + 1 < html.Length)
        {
            if (string.CompareOrdinal(html, position + 1, "!--", 0, 3) == 0)
            {
                position = Next(html, html.IndexOf("-->", position + 4, StringComparison.Ordinal), 3);
                continue;
            }

            var end = html[position + 1] == '/';
            var nameStart = position + (end ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                // A '<' that starts no tag is text.
                position = html.IndexOf('<', position + 1);
                continue;
            }

            var close = TagEnd(html, nameEnd);
            if (close < 0)
            {
                return;
            }

            var name = html[nameStart..nameEnd];
            position = close + 1;
            if (end)
            {
                if (!Uncounted.Contains(name) && depth > 0)
                {
                    depth--;
                }
            }
            else if (++elements > MaxElements)
            {
                throw new DocumentFormatException(
                    $"the HTML has more than {MaxElements:N0} elements; such a page is refused, because its parsed tree would take more memory than one document may");
            }
            else if (RawText.Contains(name))
            {
                // Everything up to the element's end tag is text, whatever it looks like.
                var rawEnd = html.IndexOf("</" + name, position, StringComparison.OrdinalIgnoreCase);
                position = rawEnd < 0 ? -1 : rawEnd;
                continue;
            }
            else if (!Uncounted.Contains(name) && html[close - 1] != '/' && ++depth > MaxDepth)
            {
                throw new DocumentFormatException(
                    $"the HTML nests elements more than {MaxDepth} levels deep; such a page is refused, because parsing it takes time that grows with the square of its depth");
            }

            position = html.IndexOf('<', position);
        }
    }

    // The '>' that ends a tag whose name ends at 'from', -1 when the page ends first. A quote opens a quoted value only
    // right after '=' (as in the HTML tokenizer's attribute value states), and a value so quoted may hold '>'.
    private static int TagEnd(string html, int from)
    {
        var afterEquals = false;
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (c == '>')
            {
                return i;
            }

            if (afterEquals && c is '"' or '\'')
            {
                i = html.IndexOf(c, i + 1);
                if (i < 0)
                {
                    return -1;
                }

                afterEquals = false;
            }
            else if (!char.IsWhiteSpace(c))
            {
                afterEquals = c == '=';
            }
        }

        return -1;
    }

    private static int Next(string html, int found, int length) => found < 0 ? -1 : html.IndexOf('<', found + length);
}
