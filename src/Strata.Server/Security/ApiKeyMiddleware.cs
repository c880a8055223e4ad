using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Strata.Server.Protocols;

namespace Strata.Server.Security;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> on every route not marked <see cref="PublicRouteAttribute"/>, whenever
/// keys are configured. With no keys the server only listens on loopback (see <see cref="BindAddressGuard"/>).
/// The web UI authenticates with a session cookie instead (<see cref="UiSessions"/>); its state-changing requests must
/// also carry the UI's script header or an antiforgery-checked form, so another site cannot ride on the cookie.
/// A page requested without either is redirected (302) to the sign-in form, as cookie authentication does for browsers:
/// the redirect is part of the same navigation, where a 401 page with a meta refresh would be a second, later one.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeySet keys, UiSessions sessions)
{
    /// <summary>Checks the request's key, answering 401 in OpenAI's error shape when it is missing or wrong.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (keys.IsEmpty || context.GetEndpoint()?.Metadata.GetMetadata<PublicRouteAttribute>() is not null)
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && keys.Accepts(header[scheme.Length..].Trim()))
        {
            return next(context);
        }

        // Anthropic's clients send the key as x-api-key.
        var anthropicKey = context.Request.Headers["x-api-key"].ToString();
        if (anthropicKey.Length > 0 && keys.Accepts(anthropicKey))
        {
            return next(context);
        }

        if (sessions.IsSignedIn(context.Request) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || context.Request.Headers[UiSessions.ScriptHeader] == "strata"
            || context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true }))
        {
            return next(context);
        }

        header = header.Length > 0 ? header : anthropicKey;
        if (header.Length == 0 && HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            return SignInRequired(context);
        }

        var message = header.Length == 0
            ? "Missing API key: send 'Authorization: Bearer YOUR_KEY'."
            : "Invalid API key.";
        return ErrorShape.Write(context, StatusCodes.Status401Unauthorized, message, "invalid_request_error", "invalid_api_key");
    }

    private static Task SignInRequired(HttpContext context)
    {
        context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
        return Task.CompletedTask;
    }
}
