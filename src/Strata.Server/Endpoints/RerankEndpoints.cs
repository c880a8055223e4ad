using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Models.Reranking;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary>
/// <c>POST /v1/rerank</c> (also <c>/v1/reranking</c> and <c>/rerank</c>, as llama.cpp's server answers): the request
/// and response shape that llama.cpp, Jina and Cohere share, so their clients work unchanged.
/// </summary>
public static class RerankEndpoints
{
    /// <summary>Maps the endpoint under the three paths clients use.</summary>
    public static IEndpointRouteBuilder MapRerankEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/rerank", RerankAsync).WithName("Rerank");
        routes.MapPost("/v1/reranking", RerankAsync).ExcludeFromDescription();
        routes.MapPost("/rerank", RerankAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task RerankAsync(HttpContext context, RerankerCatalog rerankers, RequestLimits limits, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = RerankRequest.Parse(body.RootElement, limits.MaxEmbeddingInputs);
        using var turn = await admission.EnterAsync(request.Model, context.RequestAborted);
        var reranker = rerankers.Get(request.Model);
        var results = await reranker.RerankAsync(request.Query, request.Documents, request.TopN, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(RerankRequest.Response(request, results), context.RequestAborted);
    }
}
