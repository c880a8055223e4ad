using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Strata.Models.Catalog;
using Strata.Models.Runners;

namespace Strata.Server.Tests.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c> and <c>options.num_ctx</c> are acted on, and <c>/api/create</c> and <c>/api/push</c> say
/// they are not supported, against a real server whose tiny model runs in a runner process. A fixture of its own:
/// these tests unload the model.
/// </summary>
public sealed class OllamaModelLifetimeTests(OllamaServerFixture fixture) : IClassFixture<OllamaServerFixture>
{
    private HttpClient Http => fixture.Server.Client;

    private static object Chat(object? keepAlive, object? options = null) => new Dictionary<string, object?>
    {
        ["model"] = "tiny",
        ["messages"] = new[] { new { role = "user", content = "hello world" } },
        ["stream"] = false,
        ["keep_alive"] = keepAlive,
        ["options"] = options ?? new { temperature = 0, num_predict = 4 },
    };

    [Fact]
    public async Task Keep_alive_zero_unloads_the_model_when_the_request_ends_and_a_duration_sets_its_idle_time()
    {
        await PostOkAsync("/api/chat", Chat(keepAlive: "10m"));
        Assert.True(await IsLoadedAsync());

        await PostOkAsync("/api/chat", Chat(keepAlive: 0));
        Assert.True(await BecomesUnloadedAsync(), "keep_alive 0 left the model loaded");

        // The server's idle time here is 300 s: one second is the request's own.
        await PostOkAsync("/api/chat", Chat(keepAlive: "1s"));
        Assert.True(await BecomesUnloadedAsync(), "keep_alive 1s left the model loaded");
    }

    [Fact]
    public async Task Keep_alive_on_embed_ends_the_embedding_runner_when_the_request_ends_and_the_next_embed_starts_one()
    {
        object Embed(object keepAlive) => new { model = "tiny", input = new[] { "hello world" }, keep_alive = keepAlive };
        var first = await PostOkAsync("/api/embed", Embed("10m"));
        var catalog = fixture.Server.Services.GetRequiredService<ModelCatalog>();
        var runner = (await catalog.GetEmbeddingGeneratorAsync("tiny")).GetService<RunnerEmbeddingGenerator>();
        Assert.NotNull(runner);
        Assert.NotNull(runner.RunnerProcessId);

        await PostOkAsync("/api/embed", Embed(0));
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (runner.RunnerProcessId is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Null(runner.RunnerProcessId);
        var again = await PostOkAsync("/api/embed", Embed("10m"));
        Assert.Equal(first.GetProperty("embeddings")[0].GetRawText(), again.GetProperty("embeddings")[0].GetRawText());
    }

    [Fact]
    public async Task An_empty_generate_with_keep_alive_zero_answers_unload_and_unloads()
    {
        await PostOkAsync("/api/chat", Chat(keepAlive: null));

        var line = await PostOkAsync("/api/generate", new { model = "tiny", prompt = "", keep_alive = 0, stream = false });

        Assert.Equal("unload", line.GetProperty("done_reason").GetString());
        Assert.True(await BecomesUnloadedAsync(), "the model stayed loaded");
    }

    [Fact]
    public async Task Num_ctx_limits_the_context_of_the_request_and_a_larger_one_gets_the_models()
    {
        var small = await Http.PostAsJsonAsync("/api/chat", Chat(keepAlive: null, new { num_ctx = 16, num_predict = 32 }));
        var body = await small.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, small.StatusCode);
        Assert.Contains("16", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        // The same request fits the model's own context, and so does one asking for more than the model holds.
        await PostOkAsync("/api/chat", Chat(keepAlive: null, new { num_ctx = 512, num_predict = 32 }));
        await PostOkAsync("/api/chat", Chat(keepAlive: null, new { num_ctx = 1_000_000, num_predict = 32 }));
    }

    [Theory]
    [InlineData("/api/create", """{"model":"mine","from":"tiny","system":"Be brief."}""")]
    [InlineData("/api/push", """{"model":"tiny"}""")]
    public async Task Create_and_push_say_they_are_not_supported_in_ollamas_error_shape(string route, string json)
    {
        var response = await Http.PostAsync(new Uri(route, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("not supported", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keep_alive_that_is_no_duration_is_a_400()
    {
        var response = await Http.PostAsJsonAsync("/api/chat", Chat(keepAlive: "soon"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("keep_alive", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> PostOkAsync(string route, object request)
    {
        var response = await Http.PostAsJsonAsync(route, request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<bool> IsLoadedAsync()
    {
        var running = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/ps", UriKind.Relative))).RootElement.GetProperty("models");
        return running.EnumerateArray().Any(model => model.GetProperty("name").GetString() is "tiny" or "tiny:latest");
    }

    // Unloading happens on a timer after the request; a minute is far beyond what it takes, and far below the 300 s default.
    private async Task<bool> BecomesUnloadedAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            if (!await IsLoadedAsync())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
