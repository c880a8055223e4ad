using System.Text.Json;

namespace Strata.Data.Documents;

/// <summary>JSON: the text fields of the whole document flattened into one section.</summary>
public sealed class JsonParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "application/json";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var builder = new LoadedDocumentBuilder();
        using var json = ParseJson(TextContent.Decode(content.Span), lineNumber: null);
        builder.AddSection(JsonTextFlattener.Flatten(json.RootElement), null, []);
        return builder.Build(source, null, ContentType);
    }

    internal static JsonDocument ParseJson(string text, int? lineNumber)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException error)
        {
            var line = lineNumber ?? (int)(error.LineNumber ?? 0) + 1;
            throw new DocumentFormatException($"not valid JSON at line {line}: {error.Message}", error);
        }
    }
}
