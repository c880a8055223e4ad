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
/// A native crash in a model's runner fails that model's requests with a clear OpenAI-shaped error and nothing else:
/// the server keeps answering, other models keep serving, and a model that keeps crashing is listed as failing.
/// </summary>
public sealed class ModelRunnerCrashTests : IAsyncLifetime
{
    private RunningServer server = null!;

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-runner-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var store = new ModelStore(paths);
        var tiny = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Write(tiny, TinyLlamaOptions.Interruptible);
        await new ModelImporter(store).ImportAsync(tiny, "tiny");
        // Planted past the import gate: it loads, then aborts llama.cpp on text it has no piece for.
        var planted = Path.Combine(paths.Home, "planted.gguf");
        TinyLlamaGguf.WithoutByteTokens(TinyLlamaGguf.Build(new TinyLlamaOptions())).Write(planted);
        await new ModelImporter(store).ImportAsync(planted, "planted");
        server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Models:Llama:ContextSize"] = "512", ["Models:Llama:Threads"] = "1" }, paths);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_model_whose_runner_aborts_fails_its_requests_with_503_while_the_server_and_other_models_keep_serving()
    {
        for (var crash = 1; crash <= ModelRunnerHealth.CrashLimit; crash++)
        {
            var response = await server.Client.PostAsJsonAsync("/v1/chat/completions", Request("planted", "é"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Contains("The runner of model 'planted' was killed by SIGABRT", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains("out_of_range", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsJsonAsync("/v1/chat/completions", Request("tiny", "hello world"))).StatusCode);
        var refused = await server.Client.PostAsJsonAsync("/v1/chat/completions", Request("planted", "hello"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("is marked failing", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var openAi = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/models")).RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains("crashed 3 times", openAi.Single(m => m.GetProperty("id").GetString() == "planted").GetProperty("failing").GetString(), StringComparison.Ordinal);
        Assert.False(openAi.Single(m => m.GetProperty("id").GetString() == "tiny").TryGetProperty("failing", out _));
        var strata = JsonDocument.Parse(await server.Client.GetStringAsync("/api/models")).RootElement.EnumerateArray().ToList();
        Assert.Contains("crashed 3 times", strata.Single(m => m.GetProperty("name").GetString() == "planted").GetProperty("failing").GetString(), StringComparison.Ordinal);
        Assert.Contains("failing:", await server.Client.GetStringAsync("/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_runner_killed_mid_stream_ends_the_stream_with_an_error_event_and_the_next_request_succeeds()
    {
        var catalog = server.Services.GetRequiredService<ModelCatalog>();
        var runner = (await catalog.GetChatClientAsync("tiny")).GetService<RunnerChatClient>()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Request("tiny", "hello world", stream: true, maxTokens: 450)) };
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
                // At the first event, with far more tokens to come than can be decoded before the kill lands: killed
                // later (at 200 tokens in all), a busy machine's runner had sometimes finished the stream first.
                if (events.Count == 1)
                {
                    runner.KillRunner();
                }
            }
        }

        var last = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.Equal("server_error", last.GetProperty("type").GetString());
        Assert.Contains("The runner of model 'tiny' was killed by SIGKILL", last.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
        var next = await server.Client.PostAsJsonAsync("/v1/chat/completions", Request("tiny", "hello world"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private static Dictionary<string, object?> Request(string model, string text, bool stream = false, int maxTokens = 4) => new()
    {
        ["model"] = model,
        ["messages"] = new[] { new { role = "user", content = text } },
        ["temperature"] = 0,
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
    };
}
