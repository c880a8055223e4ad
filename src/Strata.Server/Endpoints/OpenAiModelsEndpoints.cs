using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Strata.Models.Catalog;
using Strata.Models.Store;

namespace Strata.Server.Endpoints;

/// <summary>OpenAI's model list, read from the model catalog.</summary>
public static class OpenAiModelsEndpoints
{
    /// <summary>Maps <c>GET /v1/models</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiModelsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", ListModels).WithName("ListModels");
        return routes;
    }

    /// <summary>Every model a request can name: stored, built in, and configured remote models.</summary>
    private static Ok<OpenAiModelList> ListModels(ModelCatalog catalog, ModelStore store)
    {
        var created = store.List().Models.ToDictionary(model => model.Name, model => model.Created.ToUnixTimeSeconds(), StringComparer.Ordinal);
        return TypedResults.Ok(new OpenAiModelList(
            catalog.List().Select(entry => new OpenAiModel(entry.Name, created.GetValueOrDefault(entry.Name)) { Failing = entry.Failing }).ToList()));
    }
}

/// <summary>The body of <c>GET /v1/models</c>.</summary>
/// <param name="Data">The models.</param>
public sealed record OpenAiModelList([property: JsonPropertyName("data")] IReadOnlyList<OpenAiModel> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "list";
}

/// <summary>One model as OpenAI's clients expect it.</summary>
/// <param name="Id">The model's name, usable as <c>model</c> in requests.</param>
/// <param name="Created">When it entered the store, in Unix seconds (0 for models not stored locally).</param>
public sealed record OpenAiModel([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("created")] long Created)
{
    /// <summary>Always <c>model</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "model";

    /// <summary>Who serves it.</summary>
    [JsonPropertyName("owned_by")]
    public string OwnedBy => "strata";

    /// <summary>Why the model is marked failing (its runner crashed repeatedly); left out when it is not (a Strata extension).</summary>
    [JsonPropertyName("failing")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Failing { get; init; }
}
