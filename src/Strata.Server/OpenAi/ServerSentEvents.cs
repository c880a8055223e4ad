using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.Server.OpenAi;

/// <summary>Writes <c>text/event-stream</c> responses the way OpenAI's clients read them.</summary>
public sealed class ServerSentEvents
{
    private readonly HttpResponse response;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private bool started;

    /// <summary>Creates a writer over <paramref name="response"/>.</summary>
    public ServerSentEvents(HttpResponse response) => this.response = response ?? throw new ArgumentNullException(nameof(response));

    /// <summary>Writes <paramref name="value"/> as one <c>data:</c> event and flushes it, so each token reaches the client at once.</summary>
    public Task WriteAsync<T>(T value, CancellationToken cancellationToken) => WriteEventAsync(null, value, null, cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> as one <c>data:</c> event, flushed only when <paramref name="flush"/>: a caller that
    /// already holds the next event writes both and sends them together (<see cref="FlushAsync"/>).
    /// </summary>
    public Task WriteAsync<T>(T value, bool flush, CancellationToken cancellationToken) => WriteEventAsync(null, value, null, cancellationToken, flush);

    /// <summary>Sends what was written and not yet flushed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

    /// <summary>Writes <paramref name="value"/> as one named event (<c>event:</c> then <c>data:</c>), as Anthropic's API streams.</summary>
    public Task WriteAsync<T>(string eventName, T value, CancellationToken cancellationToken) => WriteEventAsync(eventName, value, null, cancellationToken);

    /// <summary>Writes <paramref name="value"/> as one named event, serialised with <paramref name="options"/> (Strata's API uses camelCase).</summary>
    public Task WriteAsync<T>(string eventName, T value, JsonSerializerOptions options, CancellationToken cancellationToken) =>
        WriteEventAsync(eventName, value, options, cancellationToken);

    /// <summary>
    /// Builds the whole event in one buffer and sends it with one write and one flush: with buffering off, Kestrel sends
    /// every write to the socket, so writing prefix, JSON and separator apart cost three sends per token, CPU time
    /// taken from the decode loop.
    /// </summary>
    private async Task WriteEventAsync<T>(string? eventName, T value, JsonSerializerOptions? options, CancellationToken cancellationToken, bool flush = true)
    {
        Start();
        buffer.ResetWrittenCount();
        if (eventName is not null)
        {
            buffer.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventName, buffer);
            buffer.Write("\n"u8);
        }

        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(json, value, options);
        }

        buffer.Write("\n\n"u8);
        // The pipe buffers without sending; its flush sends everything written since the last one.
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (flush)
        {
            await response.BodyWriter.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the closing <c>data: [DONE]</c> event.</summary>
    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        Start();
        response.BodyWriter.Write("data: [DONE]\n\n"u8);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private void Start()
    {
        if (started)
        {
            return;
        }

        started = true;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx buffer responses unless told not to, which would hold back every token.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
