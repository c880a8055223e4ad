using AngleSharp.Dom;

namespace Strata.Data.Documents;

/// <summary>
/// HTML: the page's main content (<c>&lt;main&gt;</c>, else <c>&lt;article&gt;</c>, else the body) without navigation,
/// page furniture, scripts or forms; each heading starts a section.
/// </summary>
public sealed class HtmlParser : IDocumentParser
{
    // Page furniture that repeats on every page of a site and would make every chunk look alike to retrieval.
    // navheader/navfooter are DocBook's navigation bars, which many generated manuals (Debian's among them) use;
    // headerlink is the pilcrow permalink Sphinx puts in every heading and signature (Python's documentation).
    private const string NoiseSelector =
        "nav, header, footer, aside, script, style, noscript, template, form, iframe, svg, button, " +
        "[role=navigation], [aria-hidden=true], .navheader, .navfooter, a.headerlink";

    /// <inheritdoc />
    public string ContentType => "text/html";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var html = TextContent.Decode(content.Span);
        HtmlNesting.Check(html);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        // role=main marks the content of pages without a <main> element (Sphinx's div.body), leaving out the footer.
        var root = document.QuerySelector("main") ?? document.QuerySelector("[role=main]") ?? document.QuerySelector("article") ?? document.Body
            ?? throw new DocumentFormatException("the HTML has no body");
        foreach (var noise in root.QuerySelectorAll(NoiseSelector).ToArray())
        {
            noise.Remove();
        }

        var writer = new HtmlSectionWriter();
        writer.Write(root);
        var builder = writer.Finish();
        var title = document.Title;
        if (string.IsNullOrWhiteSpace(title))
        {
            title = document.QuerySelector("h1")?.TextContent;
        }

        return builder.Build(source, title is null ? null : HtmlSectionWriter.CollapseWhitespace(title), ContentType);
    }
}
