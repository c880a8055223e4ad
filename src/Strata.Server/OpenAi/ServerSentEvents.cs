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
    private Utf8JsonWriter? json;
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

    /// <summary>Writes <paramref name="value"/> as one named event, flushed only when <paramref name="flush"/> (see <see cref="FlushAsync"/>).</summary>
    public Task WriteAsync<T>(string eventName, T value, bool flush, CancellationToken cancellationToken) =>
        WriteEventAsync(eventName, value, null, cancellationToken, flush);

    /// <summary>Writes <paramref name="value"/> as one named event, serialised with <paramref name="options"/> (Strata's API uses camelCase).</summary>
    public Task WriteAsync<T>(string eventName, T value, JsonSerializerOptions options, CancellationToken cancellationToken) =>
        WriteEventAsync(eventName, value, options, cancellationToken);

    /// <summary>
    /// Writes one event, named when <paramref name="eventName"/> is not null, whose JSON <paramref name="write"/> writes,
    /// without flushing (<see cref="FlushAsync"/> sends it). The per-token events of every protocol go this way: their
    /// few fields written by hand into the response's own buffer with one reused writer, instead of an object graph
    /// built and serialised per token.
    /// </summary>
    /// <param name="eventName">The <c>event:</c> line's name, or null for a plain <c>data:</c> event.</param>
    /// <param name="state">What <paramref name="write"/> needs (a static lambda then allocates nothing).</param>
    /// <param name="write">Writes exactly one JSON value.</param>
    public void Write<TState>(string? eventName, TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var writer = Begin(eventName);
        write(writer, state);
        End(writer);
    }

    /// <summary>
    /// Builds the event straight into the response's pipe and flushes once: the pipe holds what is written until its
    /// flush, so the event leaves in one send however many pieces it was written in (with buffering off, a write to the
    /// response <em>stream</em> would be a send each, CPU time taken from the decode loop).
    /// </summary>
    private async Task WriteEventAsync<T>(string? eventName, T value, JsonSerializerOptions? options, CancellationToken cancellationToken, bool flush = true)
    {
        var writer = Begin(eventName);
        JsonSerializer.Serialize(writer, value, options);
        End(writer);
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

    private Utf8JsonWriter Begin(string? eventName)
    {
        Start();
        var pipe = response.BodyWriter;
        if (eventName is not null)
        {
            pipe.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventName, pipe);
            pipe.Write("\n"u8);
        }

        pipe.Write("data: "u8);
        // One writer for the whole stream, reset onto the pipe per event: its default encoder is the serializer's, so
        // what it writes is byte for byte what JsonSerializer wrote before.
        if (json is null)
        {
            json = new Utf8JsonWriter(pipe);
        }
        else
        {
            json.Reset(pipe);
        }

        return json;
    }

    private void End(Utf8JsonWriter writer)
    {
        writer.Flush();
        response.BodyWriter.Write("\n\n"u8);
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
