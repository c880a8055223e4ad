using System.Text.Json.Nodes;
using Strata.Data.Ingestion;

namespace Strata.Server.Knowledge;

/// <summary>
/// Documents as clients see them: by name (the file name they were saved under), never by their path on the
/// server's disk, which the ledger and chunk metadata hold.
/// </summary>
internal static class DocumentNames
{
    public static string Of(string source) => Path.GetFileName(source) is { Length: > 0 } name ? name : source;

    public static DocumentView View(IngestedDocument document) => new(
        Of(document.Source), document.State.ToString().ToLowerInvariant(), document.Reason, document.Title, document.Chunks, document.Steps, document.Updated);

    /// <summary>The web UI's view of chunk <paramref name="chunk"/> of a document.</summary>
    public static string Link(string collection, string document, int chunk) =>
        $"/knowledge/document?collection={Uri.EscapeDataString(collection)}&document={Uri.EscapeDataString(document)}#chunk-{chunk}";

    public static int? Number(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue value && value.TryGetValue<double>(out var number) ? (int)number : null;

    public static string? Text(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
