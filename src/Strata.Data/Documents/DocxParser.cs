using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Strata.Data.Documents;

/// <summary>Word documents: paragraphs in order; paragraphs styled Title or Heading N start sections.</summary>
public sealed class DocxParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <inheritdoc />
    public bool IsTextFormat => false;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            CheckExpandedSize(stream);
            stream.Position = 0;
            using var document = WordprocessingDocument.Open(stream, isEditable: false, new OpenSettings { MaxCharactersInPart = ExtractionLimits.MaxCharactersInPart });
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new DocumentFormatException("the Word document has no body");
            return Read(body, document.PackageProperties.Title, source);
        }
        catch (Exception error) when (error is not DocumentFormatException and not OutOfMemoryException)
        {
            throw new DocumentFormatException($"corrupt or unreadable Word document: {error.Message}", error);
        }
    }

    /// <summary>Refuses an archive with too many parts or too much XML before any part is parsed.</summary>
    private static void CheckExpandedSize(Stream stream)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        if (archive.Entries.Count > ExtractionLimits.MaxArchiveEntries)
        {
            throw new DocumentFormatException($"the Word document has {archive.Entries.Count:N0} parts; the limit is {ExtractionLimits.MaxArchiveEntries:N0}");
        }

        var xml = archive.Entries
            .Where(entry => entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
            .Sum(entry => entry.Length);
        if (xml > ExtractionLimits.MaxArchiveXmlBytes)
        {
            throw new DocumentFormatException(
                $"the Word document expands to {xml:N0} bytes of XML; the limit is {ExtractionLimits.MaxArchiveXmlBytes:N0} (a file this small holding that much is usually a decompression bomb)");
        }
    }

    private LoadedDocument Read(Body body, string? title, string source)
    {
        var builder = new LoadedDocumentBuilder();
        var headings = new List<(int Level, string Text)>();
        IReadOnlyList<string> path = [];
        var section = new List<string>();
        foreach (var paragraph in body.Descendants<Paragraph>())
        {
            var text = paragraph.InnerText.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            if (HeadingLevel(style) is not { } level)
            {
                section.Add(text);
                continue;
            }

            builder.AddSection(string.Join("\n\n", section), null, path);
            section.Clear();
            if (level == 0)
            {
                title ??= text;
            }

            headings.RemoveAll(h => h.Level >= level);
            headings.Add((level, text));
            path = headings.Select(h => h.Text).ToArray();
            section.Add(text);
        }

        builder.AddSection(string.Join("\n\n", section), null, path);
        return builder.Build(source, title, ContentType);
    }

    /// <summary>0 for the Title style, N for Heading N, null for body text.</summary>
    private static int? HeadingLevel(string? styleId)
    {
        if (styleId is null)
        {
            return null;
        }

        if (styleId.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        // Word writes the style id without a space ("Heading1"); other editors sometimes keep it ("Heading 1").
        var rest = styleId.Replace(" ", "", StringComparison.Ordinal);
        return rest.StartsWith("Heading", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(rest.AsSpan("Heading".Length), out var level) && level is >= 1 and <= 9
            ? level
            : null;
    }
}
