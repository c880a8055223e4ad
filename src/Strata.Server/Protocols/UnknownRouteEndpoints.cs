using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Strata.Server.Protocols;

/// <summary>
/// Unknown routes under <c>/v1</c> answer 404 with an error body in the protocol's shape (OpenAI's, or Anthropic's
/// under <c>/v1/messages</c>) instead of an empty body, which the SDKs report as an unreadable response.
/// </summary>
public static class UnknownRouteEndpoints
{
    /// <summary>Maps the fallback; it matches only when no other route does.</summary>
    public static IEndpointRouteBuilder MapUnknownApiRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapFallback("/v1/{**rest}", (HttpContext context) => ErrorShape.Write(
            context, StatusCodes.Status404NotFound,
            $"Unknown route: {context.Request.Method} {context.Request.Path}. This server speaks OpenAI's and Anthropic's APIs under /v1; see /openapi/v1.json.",
            "invalid_request_error", "unknown_url"));
        return routes;
    }
}
