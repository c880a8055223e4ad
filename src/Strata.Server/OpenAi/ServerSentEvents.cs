using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.Server.OpenAi;

/// <summary>Writes <c>text/event-stream</c> responses the way OpenAI's clients read them.</summary>
public sealed class ServerSentEvents
{
    private readonly HttpResponse response;
    private bool started;

    /// <summary>Creates a writer over <paramref name="response"/>.</summary>
    public ServerSentEvents(HttpResponse response) => this.response = response ?? throw new ArgumentNullException(nameof(response));

    /// <summary>Writes <paramref name="value"/> as one <c>data:</c> event and flushes it, so each token reaches the client at once.</summary>
    public async Task WriteAsync<T>(T value, CancellationToken cancellationToken)
    {
        Start();
        await response.WriteAsync("data: ", cancellationToken);
        await JsonSerializer.SerializeAsync(response.Body, value, cancellationToken: cancellationToken);
        await response.WriteAsync("\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="value"/> as one named event (<c>event:</c> then <c>data:</c>), as Anthropic's API streams.</summary>
    public async Task WriteAsync<T>(string eventName, T value, CancellationToken cancellationToken)
    {
        Start();
        await response.WriteAsync($"event: {eventName}\n", cancellationToken);
        await WriteAsync(value, cancellationToken);
    }

    /// <summary>Writes <paramref name="value"/> as one named event, serialised with <paramref name="options"/> (Strata's API uses camelCase).</summary>
    public async Task WriteAsync<T>(string eventName, T value, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        Start();
        await response.WriteAsync($"event: {eventName}\ndata: ", cancellationToken);
        await JsonSerializer.SerializeAsync(response.Body, value, options, cancellationToken);
        await response.WriteAsync("\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the closing <c>data: [DONE]</c> event.</summary>
    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        Start();
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
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
