using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>The liveness endpoint, public so load balancers and scripts can probe without a key.</summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>GET /health</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Ok(new HealthStatus("ok")))
            .WithMetadata(new PublicRouteAttribute())
            .WithName("Health");
        return routes;
    }
}

/// <summary>The body of <c>GET /health</c>.</summary>
/// <param name="Status">Always <c>ok</c> while the process serves requests.</param>
public sealed record HealthStatus(string Status);
