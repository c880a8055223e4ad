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
        var parsed = Markdown.Parse(markdown, Pipeline);
        var builder = new LoadedDocumentBuilder();
        var headings = new List<(int Level, string Text)>();
        string? title = null;
        var sectionStart = 0;
        IReadOnlyList<string> sectionPath = [];
        foreach (var heading in parsed.Descendants<HeadingBlock>())
        {
            builder.AddSection(markdown[sectionStart..heading.Span.Start], null, sectionPath);
            var text = InlineText(heading.Inline);
            title ??= heading.Level == 1 ? text : null;
            headings.RemoveAll(h => h.Level >= heading.Level);
            headings.Add((heading.Level, text));
            sectionPath = headings.Select(h => h.Text).ToArray();
            sectionStart = heading.Span.Start;
        }

        builder.AddSection(markdown[sectionStart..], null, sectionPath);
        return builder.Build(source, title, ContentType);
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
