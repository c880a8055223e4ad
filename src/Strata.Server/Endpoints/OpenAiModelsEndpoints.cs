using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Server.Images;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Endpoints;

/// <summary>OpenAI's model list and model retrieval, read from the model catalog, each model with its capabilities.</summary>
public static class OpenAiModelsEndpoints
{
    /// <summary>Maps <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiModelsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", ListModels).WithName("ListModels");
        // A catch-all: Hub models are named OWNER/REPO and the SDKs send the slash unescaped.
        routes.MapGet("/v1/models/{**id}", RetrieveModel).WithName("RetrieveModel");
        return routes;
    }

    /// <summary>Every model a request can name: stored, built in, and configured remote models.</summary>
    private static Ok<OpenAiModelList> ListModels(ModelCatalog catalog, ModelStore store, ImageGenerators images) =>
        TypedResults.Ok(new OpenAiModelList(Models(catalog, store, images).ToList()));

    /// <summary>One model, as the SDKs' <c>models.retrieve</c> reads it; an unknown id is a 404 naming it.</summary>
    private static Ok<OpenAiModel> RetrieveModel(string id, ModelCatalog catalog, ModelStore store, ImageGenerators images) =>
        TypedResults.Ok(Models(catalog, store, images).FirstOrDefault(model => model.Id == id)
            ?? throw new OpenAiRequestException($"The model '{id}' does not exist; GET /v1/models lists the models.", "model", "model_not_found", StatusCodes.Status404NotFound));

    private static IEnumerable<OpenAiModel> Models(ModelCatalog catalog, ModelStore store, ImageGenerators images)
    {
        var created = store.List().Models.ToDictionary(model => model.Name, model => model.Created.ToUnixTimeSeconds(), StringComparer.Ordinal);
        var imageModels = ModelCapabilityNames.ImageModels(images);
        return catalog.List().Select(entry => new OpenAiModel(entry.Name, created.GetValueOrDefault(entry.Name), ModelCapabilityNames.Of(entry, imageModels)) { Failing = entry.Failing });
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

/// <summary>One model as OpenAI's clients expect it, with what it can do.</summary>
/// <param name="Id">The model's name, usable as <c>model</c> in requests.</param>
/// <param name="Created">When it entered the store, in Unix seconds (0 for models not stored locally).</param>
/// <param name="Capabilities"><c>chat</c>, <c>embeddings</c>, <c>images</c>: which endpoints accept it.</param>
public sealed record OpenAiModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities)
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
