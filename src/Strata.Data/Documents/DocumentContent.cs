namespace Strata.Data.Documents;

/// <summary>The checks every document goes through, whether it came from a file or a URL.</summary>
internal static class DocumentContent
{
    /// <summary>Parses <paramref name="content"/>, turning every content problem into a failure with its reason.</summary>
    public static DocumentLoadResult Parse(IDocumentParser parser, ReadOnlyMemory<byte> content, string source)
    {
        if (content.IsEmpty)
        {
            return DocumentLoadResult.Failure(source, "empty: the file has no content");
        }

        if (parser.IsTextFormat && TextContent.BinaryReason(content.Span) is { } binary)
        {
            return DocumentLoadResult.Failure(source, $"{binary} (expected {parser.ContentType})");
        }

        LoadedDocument document;
        try
        {
            document = parser.Parse(content, source);
        }
        catch (DocumentFormatException error)
        {
            return DocumentLoadResult.Failure(source, error.Message);
        }
        catch (Exception error) when (error is not OutOfMemoryException and not OperationCanceledException)
        {
            // A parser library tripping over a malformed file must fail that file, never the batch it is in.
            return DocumentLoadResult.Failure(source, $"unreadable {parser.ContentType}: {error.Message}");
        }

        return document.Sections.Count == 0
            ? DocumentLoadResult.Failure(source, "empty: the document has no text")
            : DocumentLoadResult.Success(document);
    }
}
