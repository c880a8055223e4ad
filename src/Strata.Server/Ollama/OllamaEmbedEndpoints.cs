using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>Ollama's <c>POST /api/embed</c> (a string or an array) and the older <c>POST /api/embeddings</c> (one prompt).</summary>
public static class OllamaEmbedEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOllamaEmbedEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/embed", EmbedAsync).WithTags("Ollama").WithName("OllamaEmbed");
        routes.MapPost("/api/embeddings", EmbeddingsAsync).WithTags("Ollama").WithName("OllamaEmbeddings");
        return routes;
    }

    private static async Task EmbedAsync(HttpContext context, ModelCatalog catalog, ModelStore store, RequestLimits limits, ModelAdmission admission)
    {
        var clock = Stopwatch.StartNew();
        using var body = await RequestBody.ReadJsonAsync(context);
        var root = Object(body.RootElement);
        if (!root.TryGetProperty("input", out var input))
        {
            throw new OpenAiRequestException("'input' is required.", "input", "missing_required_parameter");
        }

        var inputs = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            JsonValueKind.Array => input.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw JsonFields.Invalid("input", "a string or an array of strings")).ToList(),
            _ => throw JsonFields.Invalid("input", "a string or an array of strings"),
        };
        if (inputs.Count == 0 || inputs.Count > limits.MaxEmbeddingInputs)
        {
            throw new OpenAiRequestException($"'input' must hold between 1 and {limits.MaxEmbeddingInputs} strings.", "input", "invalid_value");
        }

        var model = JsonFields.RequiredModel(root);
        var dimensions = JsonFields.Dimensions(root);
        var keepAlive = OllamaKeepAlive.Read(root);
        var embeddings = await GenerateAsync(context, catalog, store, admission, model, inputs, dimensions, keepAlive);
        await OllamaJson.WriteAsync(context, new
        {
            model,
            embeddings = embeddings.Select(e => e.Vector.ToArray()).ToList(),
            total_duration = clock.Elapsed.Ticks * 100,
            load_duration = 0L,
            prompt_eval_count = embeddings.Usage?.InputTokenCount ?? 0,
        });
    }

    private static async Task EmbeddingsAsync(HttpContext context, ModelCatalog catalog, ModelStore store, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var root = Object(body.RootElement);
        var prompt = JsonFields.RequiredString(root, "prompt", "");
        var embeddings = await GenerateAsync(context, catalog, store, admission, JsonFields.RequiredModel(root), [prompt], null, OllamaKeepAlive.Read(root));
        await OllamaJson.WriteAsync(context, new { embedding = embeddings[0].Vector.ToArray() });
    }

    private static async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        HttpContext context, ModelCatalog catalog, ModelStore store, ModelAdmission admission, string model, List<string> inputs, int? dimensions, TimeSpan? keepAlive)
    {
        var reference = OllamaNames.Resolve(model, store);
        using var turn = await admission.EnterAsync(reference, context.RequestAborted);
        var generator = await catalog.GetEmbeddingGeneratorAsync(reference, context.RequestAborted);
        // As on /api/chat: keep_alive applies from the end of this request (the model's runner then waits this long).
        catalog.KeepEmbeddingsAlive(reference, keepAlive);
        return await generator.GenerateAsync(inputs, dimensions is null ? null : new EmbeddingGenerationOptions { Dimensions = dimensions }, context.RequestAborted);
    }

    private static JsonElement Object(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object ? root : throw new OpenAiRequestException("The request body must be a JSON object.");
}
