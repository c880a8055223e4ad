using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary><c>POST /v1/embeddings</c>: a string or an array of strings in, vectors out (float arrays or base64).</summary>
public static class OpenAiEmbeddingsEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapOpenAiEmbeddingsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/embeddings", EmbedAsync).WithName("CreateEmbedding");
        return routes;
    }

    private static async Task EmbedAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var model = JsonFields.RequiredModel(root);
        var inputs = Inputs(root, limits);
        var base64 = JsonFields.String(root, "encoding_format", "") switch
        {
            null or "float" => false,
            "base64" => true,
            var other => throw new OpenAiRequestException($"'encoding_format' is '{other}'; expected float or base64.", "encoding_format", "invalid_value"),
        };
        var dimensions = JsonFields.Dimensions(root);
        using var turn = await admission.EnterAsync(model, context.RequestAborted);
        var generator = await catalog.GetEmbeddingGeneratorAsync(model, context.RequestAborted);
        var embeddings = await generator.GenerateAsync(
            inputs, dimensions is null ? null : new EmbeddingGenerationOptions { Dimensions = dimensions }, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(OpenAiResponses.ToEmbeddingList(embeddings, model, base64), context.RequestAborted);
    }

    private static List<string> Inputs(JsonElement root, RequestLimits limits)
    {
        if (!root.TryGetProperty("input", out var input))
        {
            throw new OpenAiRequestException("'input' is required.", "input", "missing_required_parameter");
        }

        var inputs = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            JsonValueKind.Array => input.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new OpenAiRequestException("'input' must be a string or an array of strings; token arrays are not supported.", "input", "invalid_type")).ToList(),
            _ => throw JsonFields.Invalid("input", "a string or an array of strings"),
        };
        if (inputs.Count == 0 || inputs.Count > limits.MaxEmbeddingInputs)
        {
            throw new OpenAiRequestException($"'input' must hold between 1 and {limits.MaxEmbeddingInputs} strings.", "input", "invalid_value");
        }

        return inputs;
    }
}
