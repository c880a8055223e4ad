namespace Strata.Data.Documents;

/// <summary>Plain text: one section holding the whole file.</summary>
public sealed class PlainTextParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "text/plain";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var builder = new LoadedDocumentBuilder();
        builder.AddSection(TextContent.Decode(content.Span).ReplaceLineEndings("\n"), null, []);
        return builder.Build(source, null, ContentType);
    }
}
