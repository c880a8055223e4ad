using System.Text.Json;
using Strata.Models.Reranking;

namespace Strata.Server.OpenAi;

/// <summary>A rerank request as llama.cpp's server, Jina and Cohere take it; parsing and the response are pure functions.</summary>
/// <param name="Model">The reranking model.</param>
/// <param name="Query">The query.</param>
/// <param name="Documents">The documents' texts: strings, or objects with a <c>text</c> field (Jina's form).</param>
/// <param name="TopN">How many results to return; all when null.</param>
/// <param name="ReturnDocuments">Whether each result carries its document's text.</param>
internal sealed record RerankRequest(string Model, string Query, IReadOnlyList<string> Documents, int? TopN, bool ReturnDocuments)
{
    /// <summary>Reads and checks the request body; the error names the field at fault.</summary>
    public static RerankRequest Parse(JsonElement root, int maxDocuments)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var model = JsonFields.RequiredModel(root);
        var query = JsonFields.RequiredString(root, "query", "");
        if (!root.TryGetProperty("documents", out var documents) || documents.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiRequestException("'documents' is required: an array of strings.", "documents", "missing_required_parameter");
        }

        var texts = documents.EnumerateArray().Select((item, i) => item.ValueKind switch
        {
            JsonValueKind.String => item.GetString()!,
            JsonValueKind.Object when item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => text.GetString()!,
            _ => throw new OpenAiRequestException($"'documents[{i}]' must be a string or an object with a string 'text'.", $"documents[{i}]", "invalid_type"),
        }).ToList();
        if (texts.Count == 0 || texts.Count > maxDocuments)
        {
            throw new OpenAiRequestException($"'documents' must hold between 1 and {maxDocuments} documents.", "documents", "invalid_value");
        }

        var topN = JsonFields.Integer(root, "top_n");
        if (topN is < 1)
        {
            throw new OpenAiRequestException("'top_n' must be at least 1.", "top_n", "invalid_value");
        }

        return new RerankRequest(model, query, texts, topN is null ? null : (int)Math.Min(topN.Value, texts.Count), JsonFields.Boolean(root, "return_documents"));
    }

    /// <summary>The response body: <c>{model, object, results:[{index, relevance_score, document?:{text}}]}</c>, best first.</summary>
    public static object Response(RerankRequest request, IReadOnlyList<RerankResult> results) => new
    {
        model = request.Model,
        @object = "list",
        results = results.Select(r => new RerankResultBody(r.Index, r.RelevanceScore, request.ReturnDocuments ? new RerankDocument(request.Documents[r.Index]) : null)),
    };

    private sealed record RerankResultBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("index")] int Index,
        [property: System.Text.Json.Serialization.JsonPropertyName("relevance_score")] double RelevanceScore,
        [property: System.Text.Json.Serialization.JsonPropertyName("document"), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] RerankDocument? Document);

    private sealed record RerankDocument([property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text);
}
