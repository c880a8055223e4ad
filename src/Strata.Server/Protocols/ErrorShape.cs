using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;

namespace Strata.Server.Protocols;

/// <summary>
/// Writes an error in the shape of the protocol the route speaks, so each client library can read it: Anthropic's
/// <c>{"type":"error","error":{"type","message"}}</c> under <c>/v1/messages</c>, Ollama's <c>{"error":"…"}</c> on
/// Ollama's routes, OpenAI's <c>{"error":{"message","type","param","code"}}</c> everywhere else. Every writer of an
/// error (exceptions, API keys, rate limits, unknown routes) goes through here.
/// </summary>
public static class ErrorShape
{
    private static readonly string[] OllamaRoutes =
        ["/api/chat", "/api/generate", "/api/embed", "/api/embeddings", "/api/tags", "/api/show", "/api/ps", "/api/version", "/api/pull", "/api/delete", "/api/copy",
            "/api/create", "/api/push"];

    /// <summary>Whether <paramref name="path"/> is one of Ollama's routes (they share <c>/api</c> with Strata's own).</summary>
    public static bool IsOllamaRoute(PathString path) => OllamaRoutes.Any(route => path.Equals(route, StringComparison.Ordinal));

    /// <summary>Writes the error response with <paramref name="status"/>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="type">OpenAI's error type (Anthropic's is derived from the status).</param>
    /// <param name="code">A machine-readable code, if any.</param>
    /// <param name="param">The request field at fault, if any.</param>
    public static Task Write(HttpContext context, int status, string message, string type, string? code = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1/messages", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(new { type = "error", error = new { type = AnthropicType(status), message } });
        }

        if (IsOllamaRoute(path))
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(new { error = message });
        }

        return OpenAiError.Write(context, status, message, type, code, param);
    }

    /// <summary>Anthropic's error type for <paramref name="status"/>, as its API answers it.</summary>
    internal static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
