using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Strata.Server.Components;

namespace Strata.Server.Endpoints;

/// <summary>The web UI: Razor components rendered on the server (static server rendering).</summary>
public static class WebUiEndpoints
{
    /// <summary>Maps the UI's pages. They read no data without the API key either: they call the API from the browser.</summary>
    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorComponents<App>();
        return routes;
    }
}
