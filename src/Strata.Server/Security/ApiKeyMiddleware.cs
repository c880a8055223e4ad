using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Strata.Server.Protocols;

namespace Strata.Server.Security;

/// <summary>
/// Requires an API key on every route not marked <see cref="PublicRouteAttribute"/>, whenever keys are configured:
/// <c>Authorization: Bearer KEY</c> (scheme in any case, any spacing) or Anthropic's <c>x-api-key: KEY</c>. With no keys
/// the server only listens on loopback (see <see cref="BindAddressGuard"/>) and <see cref="BrowserRequestGuard"/> keeps
/// other sites out. The accepted key's id becomes the request's <see cref="ApiKeyIdentity"/>.
/// The web UI authenticates with a session cookie instead (<see cref="UiSessions"/>); its state-changing requests must
/// also carry the UI's script header or an antiforgery-checked form, so another site cannot ride on the cookie.
/// A page requested without either is redirected (302) to the sign-in form, as cookie authentication does for browsers:
/// the redirect is part of the same navigation, where a 401 page with a meta refresh would be a second, later one.
/// Failures are counted per client address (<see cref="FailedAuthentications"/>).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeySet keys, UiSessions sessions, FailedAuthentications failures)
{
    private static readonly ApiKeyIdentity Session = new("session", ByKey: false);

    /// <summary>Checks the request's key, answering 401 in OpenAI's error shape when it is missing or wrong.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (keys.IsEmpty || context.GetEndpoint()?.Metadata.GetMetadata<PublicRouteAttribute>() is not null)
        {
            return next(context);
        }

        var address = context.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            failures.Record(address, "limited");
            context.Response.Headers.RetryAfter = "60";
            return ErrorShape.Write(context, StatusCodes.Status429TooManyRequests,
                "Too many failed authentications from this address; retry in a minute.", "rate_limit_exceeded", "too_many_failed_authentications");
        }

        var headers = context.Request.Headers;
        if (Resolve(headers) is { } keyId)
        {
            context.Features.Set(new ApiKeyIdentity(keyId, ByKey: true));
            return next(context);
        }

        var presented = BrowserRequestGuard.CarriesKey(headers);
        if (!presented && sessions.IsSignedIn(context.Request) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || !StringValues.IsNullOrEmpty(headers[BrowserRequestGuard.ScriptHeader])
            || context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true }))
        {
            context.Features.Set(Session);
            return next(context);
        }

        if (!presented && HttpMethods.IsGet(context.Request.Method) && headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            if (UiSessions.HasCookie(context.Request))
            {
                // A stale session (the server restarted) or a made-up one: counted, so cookies cannot be guessed either.
                failures.Record(address, "invalid_session");
            }

            return SignInRequired(context);
        }

        failures.Record(address, presented ? "invalid_key" : "missing_key");
        var message = presented ? "Invalid API key." : "Missing API key: send 'Authorization: Bearer YOUR_KEY'.";
        return ErrorShape.Write(context, StatusCodes.Status401Unauthorized, message, "invalid_request_error", "invalid_api_key");
    }

    /// <summary>The id of the key the headers present, whichever of the two headers holds it.</summary>
    private string? Resolve(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString().AsSpan().Trim();
        const string scheme = "Bearer";
        if (authorization.Length > scheme.Length && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && char.IsWhiteSpace(authorization[scheme.Length])
            && keys.Resolve(authorization[scheme.Length..].Trim().ToString()) is { } fromBearer)
        {
            return fromBearer;
        }

        // Anthropic's clients send the key as x-api-key.
        var anthropicKey = headers["x-api-key"].ToString().Trim();
        return anthropicKey.Length > 0 ? keys.Resolve(anthropicKey) : null;
    }

    private static Task SignInRequired(HttpContext context)
    {
        context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
        return Task.CompletedTask;
    }
}
