using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>The OpenAPI document and its reference page (Scalar, served from the process, no internet needed).</summary>
public static class ApiReferenceEndpoints
{
    /// <summary>Maps <c>/openapi/v1.json</c> and <c>/scalar</c>, both public: they describe the API, they hold no data.</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi().WithMetadata(new PublicRouteAttribute());
        routes.MapScalarApiReference().WithMetadata(new PublicRouteAttribute());
        return routes;
    }
}
