using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.Ollama;

/// <summary>Ollama's streaming format: one JSON object per line (<c>application/x-ndjson</c>).</summary>
internal sealed class NdjsonWriter(HttpResponse response)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>Writes one line; <paramref name="flush"/> false leaves it buffered for the next flush.</summary>
    public async Task WriteAsync<T>(T value, bool flush, CancellationToken cancellationToken)
    {
        if (!response.HasStarted)
        {
            response.ContentType = "application/x-ndjson";
        }

        // One buffer per line, sent with one write, as the server-sent events writer does.
        var line = JsonSerializer.SerializeToUtf8Bytes(value, OllamaJson.Options);
        await response.BodyWriter.WriteAsync(line, cancellationToken);
        await response.BodyWriter.WriteAsync(NewLine, cancellationToken);
        if (flush)
        {
            await response.BodyWriter.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Sends what is buffered.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);
}

/// <summary>Ollama's JSON: snake_case names, nulls left out.</summary>
internal static class OllamaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes a whole (not streamed) answer.</summary>
    public static Task WriteAsync<T>(HttpContext context, T value) =>
        context.Response.WriteAsJsonAsync(value, Options, context.RequestAborted);
}
