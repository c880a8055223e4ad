using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.Ollama;

/// <summary>Ollama's streaming format: one JSON object per line (<c>application/x-ndjson</c>).</summary>
internal sealed class NdjsonWriter(HttpResponse response)
{
    private Utf8JsonWriter? json;

    /// <summary>Writes one line; <paramref name="flush"/> false leaves it buffered for the next flush.</summary>
    public async Task WriteAsync<T>(T value, bool flush, CancellationToken cancellationToken)
    {
        JsonSerializer.Serialize(Begin(), value, OllamaJson.Options);
        End();
        if (flush)
        {
            await response.BodyWriter.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes one line whose JSON <paramref name="write"/> writes by hand, unflushed: the per-token lines, whose few
    /// fields are cheaper to write than a dictionary to build and serialise for every token.
    /// </summary>
    public void Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        write(Begin(), state);
        End();
    }

    /// <summary>Sends what is buffered.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

    // Each line goes straight into the response's pipe, which sends it at the next flush: one writer for the stream,
    // reset per line, with the serializer's default encoder (the options' naming applies to serialised objects only).
    private Utf8JsonWriter Begin()
    {
        if (!response.HasStarted)
        {
            response.ContentType = "application/x-ndjson";
        }

        if (json is null)
        {
            json = new Utf8JsonWriter(response.BodyWriter);
        }
        else
        {
            json.Reset(response.BodyWriter);
        }

        return json;
    }

    private void End()
    {
        json!.Flush();
        response.BodyWriter.Write("\n"u8);
    }
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
