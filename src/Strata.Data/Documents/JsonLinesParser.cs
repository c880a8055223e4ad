namespace Strata.Data.Documents;

/// <summary>JSON Lines: one section per record, headed <c>line N</c> so a citation finds the record again.</summary>
public sealed class JsonLinesParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "application/jsonl";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var builder = new LoadedDocumentBuilder();
        var lines = TextContent.Decode(content.Span).ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            using var json = JsonParser.ParseJson(lines[i], lineNumber: i + 1);
            builder.AddSection(JsonTextFlattener.Flatten(json.RootElement), null, [$"line {i + 1}"]);
        }

        return builder.Build(source, null, ContentType);
    }
}
