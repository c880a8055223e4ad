using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;

namespace Strata.Server.Protocols;

/// <summary>
/// Ends a stream that has already begun with an error in the route's own streamed shape, since its status line is
/// out: Anthropic's <c>event: error</c> with <c>{"type":"error","error":{"type","message"}}</c> under
/// <c>/v1/messages</c>, Ollama's final NDJSON line <c>{"error":"…"}</c>, the Responses API's <c>error</c> event, and
/// OpenAI's <c>data: {"error":{…}}</c> elsewhere (<c>/v1/completions</c>). Without it a runner that dies mid-answer
/// would leave the client a connection cut without a word.
/// </summary>
public static class StreamErrorEvent
{
    /// <summary>Writes the error event; false when the response is not a stream this knows (it is left as it is).</summary>
    /// <param name="context">The request whose response has started.</param>
    /// <param name="status">The status the error would have had before the stream began.</param>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="type">OpenAI's error type.</param>
    /// <param name="code">A machine-readable code, if any.</param>
    /// <param name="param">The request field at fault, if any.</param>
    public static async Task<bool> TryWriteAsync(HttpContext context, int status, string message, string type, string? code = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        var contentType = context.Response.ContentType ?? "";
        byte[] payload;
        if (contentType.StartsWith("application/x-ndjson", StringComparison.Ordinal) && ErrorShape.IsOllamaRoute(path))
        {
            payload = [.. JsonSerializer.SerializeToUtf8Bytes(new { error = message }), .. "\n"u8];
        }
        else if (contentType.StartsWith("text/event-stream", StringComparison.Ordinal))
        {
            payload = path.StartsWithSegments("/v1/messages", StringComparison.Ordinal)
                ? Event("error", new { type = "error", error = new { type = ErrorShape.AnthropicType(status), message } })
                : path.StartsWithSegments("/v1/responses", StringComparison.Ordinal)
                    ? Event("error", new { type = "error", code = code ?? type, message, param })
                    : Event(null, new OpenAiError(new OpenAiErrorBody(message, type, param, code)));
        }
        else
        {
            return false;
        }

        await context.Response.BodyWriter.WriteAsync(payload, context.RequestAborted);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        return true;
    }

    private static byte[] Event<T>(string? name, T value)
    {
        var head = name is null ? "" : $"event: {name}\n";
        return [.. System.Text.Encoding.UTF8.GetBytes(head + "data: "), .. JsonSerializer.SerializeToUtf8Bytes(value), .. "\n\n"u8];
    }
}
