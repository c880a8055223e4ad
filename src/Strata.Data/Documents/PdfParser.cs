using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Strata.Data.Documents;

/// <summary>PDF: one section per page, numbered from 1, so citations can name the page.</summary>
public sealed class PdfParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "application/pdf";

    /// <inheritdoc />
    public bool IsTextFormat => false;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        if (!content.Span.StartsWith("%PDF-"u8) && content.Span.IndexOf("%PDF-"u8) is < 0 or > 1024)
        {
            throw new DocumentFormatException("not a PDF: the %PDF- header is missing");
        }

        var builder = new LoadedDocumentBuilder();
        string? title;
        try
        {
            using var document = PdfDocument.Open(content);
            if (document.NumberOfPages > ExtractionLimits.MaxPdfPages)
            {
                throw new DocumentFormatException($"the PDF has {document.NumberOfPages:N0} pages; the limit is {ExtractionLimits.MaxPdfPages:N0}");
            }

            title = document.Information.Title;
            foreach (var page in document.GetPages())
            {
                // Content order follows the drawing operators, which keeps lines together better than letter order.
                builder.AddSection(ContentOrderTextExtractor.GetText(page).ReplaceLineEndings("\n"), page.Number, []);
            }
        }
        catch (Exception error) when (error is not DocumentFormatException and not OutOfMemoryException)
        {
            throw new DocumentFormatException($"corrupt or unreadable PDF: {error.Message}", error);
        }

        if (builder.IsEmpty)
        {
            throw new DocumentFormatException("the PDF has no extractable text (a scan without a text layer?)");
        }

        return builder.Build(source, title, ContentType);
    }
}
