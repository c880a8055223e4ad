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
/// Every streamed protocol, not only OpenAI's chat: a runner killed with SIGKILL once tokens flow ends the stream with
/// that protocol's own error event (Responses' <c>response.failed</c>, Anthropic's <c>event: error</c>, Ollama's final
/// <c>{"error"}</c> line, OpenAI's <c>data: {"error"}</c> for completions), never its normal end, and the next request
/// on the same route is answered by a new runner.
/// </summary>
public sealed class StreamedRunnerCrashTests : IAsyncLifetime
{
    // Far more tokens than can be decoded before the kill lands: the stream cannot finish on its own first.
    private const int ManyTokens = 450;

    private RunningServer server = null!;

    public static TheoryData<string> Routes => new() { "/v1/completions", "/v1/responses", "/v1/messages", "/api/chat", "/api/generate" };

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-stream-crash-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var tiny = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Write(tiny, TinyLlamaOptions.Interruptible);
        await new ModelImporter(new ModelStore(paths)).ImportAsync(tiny, "tiny");
        server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Models:Llama:ContextSize"] = "512", ["Models:Llama:Threads"] = "1" }, paths);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_runner_killed_mid_stream_ends_the_stream_with_the_protocols_error_event_and_the_next_request_succeeds(string route)
    {
        var runner = (await server.Services.GetRequiredService<ModelCatalog>().GetChatClientAsync("tiny")).GetService<RunnerChatClient>()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = JsonContent.Create(Body(route, stream: true, ManyTokens)) };
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var lines = new List<string>();
        var killed = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            lines.Add(line);
            if (!killed && CarriesText(route, line))
            {
                runner.KillRunner();
                killed = true;
            }
        }

        Assert.True(killed, $"no text reached the client: {string.Join('\n', lines)}");
        AssertEndsWithError(route, lines);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
        var next = await server.Client.PostAsJsonAsync(route, Body(route, stream: false, maxTokens: 4));
        Assert.True(next.StatusCode == HttpStatusCode.OK, await next.Content.ReadAsStringAsync());
    }

    private static void AssertEndsWithError(string route, List<string> lines)
    {
        const string Killed = "The runner of model 'tiny' was killed by SIGKILL";
        switch (route)
        {
            case "/v1/completions":
                var openAi = JsonDocument.Parse(Data(lines[^1])).RootElement.GetProperty("error");
                Assert.Equal("server_error", openAi.GetProperty("type").GetString());
                Assert.Contains(Killed, openAi.GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.DoesNotContain("data: [DONE]", lines);
                break;
            case "/v1/responses":
                Assert.Equal("event: response.failed", lines[^2]);
                var failed = JsonDocument.Parse(Data(lines[^1])).RootElement;
                Assert.Equal("response.failed", failed.GetProperty("type").GetString());
                Assert.Equal("failed", failed.GetProperty("response").GetProperty("status").GetString());
                Assert.Contains(Killed, failed.GetProperty("response").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.DoesNotContain("event: response.completed", lines);
                Assert.DoesNotContain("event: response.incomplete", lines);
                break;
            case "/v1/messages":
                Assert.Equal("event: error", lines[^2]);
                var anthropic = JsonDocument.Parse(Data(lines[^1])).RootElement;
                Assert.Equal("error", anthropic.GetProperty("type").GetString());
                Assert.Equal("overloaded_error", anthropic.GetProperty("error").GetProperty("type").GetString());
                Assert.Contains(Killed, anthropic.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.DoesNotContain("event: message_stop", lines);
                break;
            default:
                var ollama = JsonDocument.Parse(lines[^1]).RootElement;
                Assert.Contains(Killed, ollama.GetProperty("error").GetString(), StringComparison.Ordinal);
                Assert.DoesNotContain(lines, line => JsonDocument.Parse(line).RootElement.TryGetProperty("done", out var done) && done.GetBoolean());
                break;
        }
    }

    private static bool CarriesText(string route, string line) => route switch
    {
        "/v1/completions" => line.StartsWith("data: {", StringComparison.Ordinal),
        "/v1/responses" => line == "event: response.output_text.delta",
        "/v1/messages" => line == "event: content_block_delta",
        _ => line.StartsWith('{'),
    };

    private static string Data(string line)
    {
        Assert.StartsWith("data: ", line, StringComparison.Ordinal);
        return line["data: ".Length..];
    }

    private static Dictionary<string, object?> Body(string route, bool stream, int maxTokens)
    {
        object[] messages = [new { role = "user", content = "hello world" }];
        return route switch
        {
            "/v1/completions" => new() { ["model"] = "tiny", ["prompt"] = "hello world", ["max_tokens"] = maxTokens, ["temperature"] = 0, ["stream"] = stream },
            "/v1/responses" => new() { ["model"] = "tiny", ["input"] = "hello world", ["max_output_tokens"] = maxTokens, ["temperature"] = 0, ["stream"] = stream },
            "/v1/messages" => new() { ["model"] = "tiny", ["messages"] = messages, ["max_tokens"] = maxTokens, ["temperature"] = 0, ["stream"] = stream },
            "/api/chat" => new() { ["model"] = "tiny", ["messages"] = messages, ["stream"] = stream, ["options"] = new { temperature = 0, num_predict = maxTokens } },
            _ => new() { ["model"] = "tiny", ["prompt"] = "hello world", ["stream"] = stream, ["options"] = new { temperature = 0, num_predict = maxTokens } },
        };
    }
}
