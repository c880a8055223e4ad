using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.OpenAi;

/// <summary>An error in the shape OpenAI's clients parse: <c>{"error":{"message","type","param","code"}}</c>.</summary>
/// <param name="Error">The error body.</param>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorBody Error)
{
    /// <summary>Writes an error response with <paramref name="status"/>.</summary>
    public static Task Write(HttpContext context, int status, string message, string type, string? code = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new OpenAiError(new OpenAiErrorBody(message, type, param, code)));
    }
}

/// <summary>The body of an <see cref="OpenAiError"/>.</summary>
/// <param name="Message">What went wrong, for a person.</param>
/// <param name="Type">The error class (for example <c>invalid_request_error</c>).</param>
/// <param name="Param">The request parameter at fault, if any.</param>
/// <param name="Code">A machine-readable code, if any.</param>
public sealed record OpenAiErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
