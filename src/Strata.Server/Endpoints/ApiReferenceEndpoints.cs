using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>The OpenAPI document and its reference page (Scalar, served from the process, no internet needed).</summary>
public static class ApiReferenceEndpoints
{
    /// <summary>
    /// Maps <c>/openapi/v1.json</c> and <c>/scalar</c>: public without API keys, behind the key (or the UI session) with
    /// them, since they tell a stranger which routes and models to try. The page's scripts carry the response's nonce.
    /// </summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes, ApiKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var openApi = routes.MapOpenApi();
        var scalar = routes.MapScalarApiReference((options, context) =>
        {
            // Its default fonts come from a CDN: the page would reach out of the machine (and the policy refuses it).
            options.DisableDefaultFonts();
            if (context.Items[SecurityHeaders.NonceItem] is string nonce)
            {
                options.WithNonce(nonce);
            }
        });
        if (keys.IsEmpty)
        {
            openApi.WithMetadata(new PublicRouteAttribute());
            scalar.WithMetadata(new PublicRouteAttribute());
        }

        return routes;
    }
}
