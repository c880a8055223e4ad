using System.Text;
using AngleSharp.Dom;

namespace Strata.Data.Documents;

/// <summary>Walks an HTML tree in reading order, turning blocks into lines and headings into section breaks.</summary>
internal sealed class HtmlSectionWriter
{
    private static readonly HashSet<string> BlockElements = new(StringComparer.Ordinal)
    {
        "p", "div", "section", "article", "main", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
        "tr", "blockquote", "pre", "figure", "figcaption", "hr", "br", "address", "details", "summary", "caption",
    };

    private readonly LoadedDocumentBuilder builder = new();
    private readonly List<(int Level, string Text)> headings = [];
    private readonly StringBuilder section = new();
    private IReadOnlyList<string> sectionPath = [];

    public void Write(INode node)
    {
        switch (node)
        {
            case IText text:
                AppendInline(text.Data);
                break;
            case IElement element when HeadingLevel(element) is { } level:
                StartSection(level, CollapseWhitespace(element.TextContent));
                break;
            case IElement { LocalName: "pre" } pre:
                BreakLine();
                section.Append(pre.TextContent.ReplaceLineEndings("\n").TrimEnd());
                BreakLine();
                break;
            case IElement { LocalName: "td" or "th" } cell:
                WriteChildren(cell);
                section.Append(' ');
                break;
            case IElement element:
                var isBlock = BlockElements.Contains(element.LocalName);
                if (isBlock)
                {
                    BreakLine();
                }

                WriteChildren(element);
                if (isBlock)
                {
                    BreakLine();
                }

                break;
        }
    }

    public LoadedDocumentBuilder Finish()
    {
        FlushSection();
        return builder;
    }

    public static string CollapseWhitespace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private void WriteChildren(INode node)
    {
        foreach (var child in node.ChildNodes)
        {
            Write(child);
        }
    }

    private void StartSection(int level, string heading)
    {
        FlushSection();
        headings.RemoveAll(h => h.Level >= level);
        headings.Add((level, heading));
        sectionPath = headings.Select(h => h.Text).ToArray();
        // The heading opens its own section's text so that every chunk of it reads in context.
        section.Append(heading).Append("\n\n");
    }

    private void FlushSection()
    {
        builder.AddSection(TidyLines(section.ToString()), null, sectionPath);
        section.Clear();
    }

    private void AppendInline(string data)
    {
        // HTML collapses runs of whitespace into one space; do the same so the text reads like the page.
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (section.Length > 0 && !char.IsWhiteSpace(section[^1]))
                {
                    section.Append(' ');
                }
            }
            else
            {
                section.Append(c);
            }
        }
    }

    private void BreakLine()
    {
        while (section.Length > 0 && section[^1] == ' ')
        {
            section.Length--;
        }

        if (section.Length > 0 && section[^1] != '\n')
        {
            section.Append('\n');
        }
    }

    private static string TidyLines(string text)
    {
        // Block boundaries become paragraph breaks; runs of empty lines from nested blocks become one.
        var lines = text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0);
        return string.Join("\n\n", lines);
    }

    private static int? HeadingLevel(IElement element) => element.LocalName switch
    {
        "h1" => 1,
        "h2" => 2,
        "h3" => 3,
        "h4" => 4,
        "h5" => 5,
        "h6" => 6,
        _ => null,
    };
}
