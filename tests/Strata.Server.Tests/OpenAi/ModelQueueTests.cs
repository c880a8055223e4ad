using System.Net;
using System.Net.Http.Json;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests.OpenAi;

public sealed class ModelQueueTests
{
    private static object LongStream => new
    {
        model = "tiny",
        messages = new[] { new { role = "user", content = "hello world" } },
        max_tokens = 400,
        temperature = 0,
        seed = 1,
        stream = true,
    };

    [Fact]
    public async Task A_full_model_queue_answers_429_and_a_disconnect_frees_the_slot()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-queue-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var file = Path.Combine(paths.Home, "tiny.gguf");
        // Wide enough that 400 tokens on one thread take seconds, so the first request is surely still running.
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 1024, EmbeddingLength = 384, BlockCount = 6, FeedForwardLength = 1024, HeadCount = 6, KeyValueHeadCount = 6 });
        await new ModelImporter(new ModelStore(paths)).ImportAsync(file, "tiny");
        await using var server = await RunningServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Server:ModelConcurrency"] = "1",
                ["Server:ModelQueueLength"] = "0",
                ["Models:Llama:ContextSize"] = "1024",
                ["Models:Llama:Threads"] = "1",
            },
            paths);

        // The first request is generating once its first event has arrived.
        using (var running = await StartStreamAsync(server.Client))
        {
            var refused = await server.Client.PostAsJsonAsync("/v1/chat/completions", LongStream);

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("model_busy", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Disposing the response closed the connection: the server cancels that generation and frees its turn.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            using var next = await server.Client.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = "tiny",
                messages = new[] { new { role = "user", content = "hello" } },
                max_tokens = 4,
            });
            status = next.StatusCode;
            if (status == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(100);
            }
        }
        while (status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task<HttpResponseMessage> StartStreamAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(LongStream) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        return response;
    }
}
