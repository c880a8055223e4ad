using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Monitoring.Runs;

namespace Strata.Server.Tests;

public sealed class MonitoringEndpointsTests
{
    [Fact]
    public async Task Api_runs_reads_the_runs_a_trainer_logged()
    {
        await using var server = await RunningServer.StartAsync();
        var store = new RunStore(server.Paths.Runs);
        string id;
        using (var run = store.Start(new RunStartOptions { Project = "gan", Config = new { lr = 0.1 } }))
        {
            id = run.Id;
            run.Log("loss", 0.5, 1);
            run.Finish();
        }

        using var list = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/runs?project=gan", UriKind.Relative)));
        var listed = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(0.1, listed.GetProperty("config").GetProperty("lr").GetDouble());
        using var details = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri($"/api/runs/{id}", UriKind.Relative)));
        Assert.Equal("finished", details.RootElement.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(0.5, details.RootElement.GetProperty("metrics")[0].GetProperty("last").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri("/api/runs/nosuchrun", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_chat_request_with_a_key_shows_in_traces_usage_and_prometheus_metrics()
    {
        // Activity listeners are process-wide, so servers of other test classes record here too: this test's calls are
        // told apart by its own key's id.
        var key = "key-" + Guid.NewGuid().ToString("N");
        var keyId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-monitoring-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var file = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 512 });
        await new ModelImporter(new ModelStore(paths)).ImportAsync(file, "tiny");
        await using var server = await RunningServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Models:Llama:ContextSize"] = "512", ["Models:Llama:Threads"] = "1", ["Server:ApiKeys:0"] = key,
            },
            paths);
        server.Client.DefaultRequestHeaders.Authorization = new("Bearer", key);

        var chat = await server.Client.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new { model = "tiny", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 4, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        // Spans reach the store from a background batch: poll until the model call is there.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        JsonElement usage;
        do
        {
            await Task.Delay(200, timeout.Token);
            using var body = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/usage", UriKind.Relative), timeout.Token));
            usage = body.RootElement.Clone();
        }
        while (!usage.EnumerateArray().Any(row => row.GetProperty("apiKey").GetString() == keyId));

        var row = Assert.Single(usage.EnumerateArray(), row => row.GetProperty("apiKey").GetString() == keyId);
        Assert.Equal("tiny", row.GetProperty("model").GetString());
        Assert.Equal(1, row.GetProperty("requests").GetInt64());
        Assert.True(row.GetProperty("outputTokens").GetInt64() > 0);
        Assert.DoesNotContain(key, usage.GetRawText(), StringComparison.Ordinal);

        using var traces = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/traces?model=tiny&limit=1000", UriKind.Relative)));
        var span = Assert.Single(traces.RootElement.EnumerateArray(), s => s.GetProperty("apiKey").GetString() == keyId);
        using var trace = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri($"/api/traces/{span.GetProperty("spanId").GetString()}", UriKind.Relative)));
        Assert.Contains(trace.RootElement.EnumerateArray(), s => s.GetProperty("source").GetString() == "Microsoft.AspNetCore");

        var metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
        server.Client.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync(new Uri("/api/runs", UriKind.Relative))).StatusCode);
    }
}
