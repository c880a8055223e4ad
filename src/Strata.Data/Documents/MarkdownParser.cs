using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Strata.Data.Documents;

/// <summary>
/// Markdown: each heading starts a section that runs to the next heading, so chunks never mix two topics. The
/// section text is the Markdown source itself, which keeps offsets meaningful in the original file.
/// </summary>
public sealed class MarkdownParser : IDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    /// <inheritdoc />
    public string ContentType => "text/markdown";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var markdown = TextContent.Decode(content.Span).ReplaceLineEndings("\n");
        var builder = new LoadedDocumentBuilder();
        var headings = new List<(int Level, string Text)>();
        string? title = null;
        var sectionStart = 0;
        IReadOnlyList<string> sectionPath = [];
        foreach (var (start, level, text) in Headings(markdown))
        {
            builder.AddSection(markdown[sectionStart..start], null, sectionPath);
            title ??= level == 1 ? text : null;
            headings.RemoveAll(h => h.Level >= level);
            headings.Add((level, text));
            sectionPath = headings.Select(h => h.Text).ToArray();
            sectionStart = start;
        }

        builder.AddSection(markdown[sectionStart..], null, sectionPath);
        return builder.Build(source, title, ContentType);
    }

    /// <summary>
    /// Every heading's position in <paramref name="markdown"/>, level and text, in document order. The document is parsed a
    /// piece at a time (<see cref="MarkdownPieces"/>), each piece's tree read and dropped before the next is built.
    /// </summary>
    internal static IEnumerable<(int Start, int Level, string Text)> Headings(string markdown)
    {
        foreach (var piece in MarkdownPieces.Split(markdown))
        {
            var parsed = Markdown.Parse(piece.Text, Pipeline);
            foreach (var heading in parsed.Descendants<HeadingBlock>())
            {
                yield return (piece.Offset + heading.Span.Start, heading.Level, InlineText(heading.Inline));
            }
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }

        var parts = inline.Descendants<Inline>().Select(node => node switch
        {
            LiteralInline literal => literal.Content.ToString(),
            CodeInline code => code.Content,
            LineBreakInline => " ",
            _ => "",
        });
        return string.Concat(parts).Trim();
    }
}
