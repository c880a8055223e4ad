using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;

namespace Strata.Server.Security;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> on every route not marked <see cref="PublicRouteAttribute"/>, whenever
/// keys are configured. With no keys the server only listens on loopback (see <see cref="BindAddressGuard"/>).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeySet keys)
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

        header = header.Length > 0 ? header : anthropicKey;

        var message = header.Length == 0
            ? "Missing API key: send 'Authorization: Bearer YOUR_KEY'."
            : "Invalid API key.";
        return OpenAiError.Write(context, StatusCodes.Status401Unauthorized, message, "invalid_request_error", "invalid_api_key");
    }
}
