using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Strata.Models.Store;

namespace Strata.Server.Endpoints;

/// <summary>OpenAI's model list, read from the local model store.</summary>
public static class OpenAiModelsEndpoints
{
    /// <summary>Maps <c>GET /v1/models</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiModelsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", ListModels).WithName("ListModels");
        return routes;
    }

    private static Ok<OpenAiModelList> ListModels(ModelStore store) =>
        TypedResults.Ok(new OpenAiModelList(
            store.List().Models.Select(model => new OpenAiModel(model.Name, model.Created.ToUnixTimeSeconds())).ToList()));
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
/// <param name="Created">When it entered the store, in Unix seconds.</param>
public sealed record OpenAiModel([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("created")] long Created)
{
    /// <summary>Always <c>model</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "model";

    /// <summary>Who serves it.</summary>
    [JsonPropertyName("owned_by")]
    public string OwnedBy => "strata";
}
