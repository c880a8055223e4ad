using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core;
using Strata.Models.Catalog;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// A client that disconnects mid-stream cancels its sequence inside the model's runner: the cancellation crosses the
/// JSON-RPC channel and the runner's decode loop drops the sequence and frees its slot for the next request.
/// </summary>
public sealed class RunnerCancellationTests : IAsyncLifetime
{
    // The context and the first request's output budget: thousands of tokens the first request could only give back by
    // generating them all, had its cancellation not reached the runner.
    private const int Context = 16384;
    private const int ManyTokens = 16000;

    private RunningServer server = null!;

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-cancel-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var tiny = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Build(new TinyLlamaOptions { ContextLength = Context }).Write(tiny);
        await new ModelImporter(new ModelStore(paths)).ImportAsync(tiny, "tiny");
        server = await RunningServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Models:Llama:ContextSize"] = Context.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Models:Llama:MaxParallelSequences"] = "1",
                ["Models:Llama:Threads"] = "1",
                ["Server:MaxOutputTokens"] = Context.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            paths);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_frees_its_sequence_in_the_runner_for_the_next_request()
    {
        var runner = (await server.Services.GetRequiredService<ModelCatalog>().GetChatClientAsync("tiny")).GetService<RunnerChatClient>()!;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Request(stream: true, ManyTokens, Endless)) };
        var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = false;
        while (!text && await reader.ReadLineAsync() is { } line)
        {
            text = line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal);
        }

        Assert.True(text, "the stream ended before any text");
        Assert.Equal(0, await runner.CountCancelledSequencesAsync());

        // Closing the response before its end drops the connection: the server sees the client gone.
        reader.Dispose();
        response.Dispose();
        request.Dispose();

        // With one sequence at a time, this request is decoded only once the first one's sequence is gone.
        var next = await server.Client.PostAsJsonAsync("/v1/chat/completions", Request(stream: false, maxTokens: 4));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var usage = JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt32());
        // It was dropped as cancelled, not run to its end: the cancellation crossed the channel.
        Assert.Equal(1, await runner.CountCancelledSequencesAsync());
    }

    // An answer that cannot end early: the model's random weights reach an end-of-turn token within a few hundred
    // tokens, but this schema's grammar admits none before 1999 numbers (thousands of tokens).
    private static object Endless => new
    {
        type = "json_schema",
        json_schema = new { name = "numbers", schema = new { type = "array", items = new { type = "integer" }, minItems = 1999, maxItems = 1999 } },
    };

    private static Dictionary<string, object?> Request(bool stream, int maxTokens, object? format = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = "tiny",
            ["messages"] = new[] { new { role = "user", content = "hello world" } },
            ["temperature"] = 0,
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
        };
        if (format is not null)
        {
            body["response_format"] = format;
        }

        return body;
    }
}
