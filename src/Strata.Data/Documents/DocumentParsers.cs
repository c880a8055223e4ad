namespace Strata.Data.Documents;

/// <summary>Finds the parser for a file name or a media type.</summary>
public static class DocumentParsers
{
    private static readonly IDocumentParser PlainText = new PlainTextParser();
    private static readonly IDocumentParser Markdown = new MarkdownParser();
    private static readonly IDocumentParser Html = new HtmlParser();
    private static readonly IDocumentParser Pdf = new PdfParser();
    private static readonly IDocumentParser Docx = new DocxParser();
    private static readonly IDocumentParser Json = new JsonParser();
    private static readonly IDocumentParser JsonLines = new JsonLinesParser();
    private static readonly IDocumentParser Csv = new CsvParser();

    private static readonly Dictionary<string, IDocumentParser> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = PlainText,
        [".text"] = PlainText,
        [".md"] = Markdown,
        [".markdown"] = Markdown,
        [".html"] = Html,
        [".htm"] = Html,
        [".xhtml"] = Html,
        [".pdf"] = Pdf,
        [".docx"] = Docx,
        [".json"] = Json,
        [".jsonl"] = JsonLines,
        [".ndjson"] = JsonLines,
        [".csv"] = Csv,
    };

    private static readonly Dictionary<string, IDocumentParser> ByMediaType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/plain"] = PlainText,
        ["text/markdown"] = Markdown,
        ["text/html"] = Html,
        ["application/xhtml+xml"] = Html,
        ["application/pdf"] = Pdf,
        [Docx.ContentType] = Docx,
        ["application/json"] = Json,
        ["application/jsonl"] = JsonLines,
        ["application/x-ndjson"] = JsonLines,
        ["text/csv"] = Csv,
    };

    /// <summary>The file extensions that have a parser, with their dots.</summary>
    public static IReadOnlyCollection<string> SupportedExtensions => ByExtension.Keys;

    /// <summary>The parser for <paramref name="path"/>'s extension, or null when the format is not supported.</summary>
    public static IDocumentParser? ForPath(string path) =>
        ByExtension.GetValueOrDefault(Path.GetExtension(path));

    /// <summary>The parser for a media type such as <c>text/html; charset=utf-8</c>, or null when not supported.</summary>
    public static IDocumentParser? ForMediaType(string? mediaType) =>
        mediaType is null ? null : ByMediaType.GetValueOrDefault(mediaType.Split(';')[0].Trim());
}
