using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Server.Tests.Knowledge;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// The caps of <c>Server:MaxOutputTokens</c>, <c>Server:MaxPromptCharacters</c> and <c>Server:MaxEmbeddingInputs</c>,
/// set small, on every route that takes them; each is checked just past the limit and at it.
/// </summary>
public sealed class RequestLimitsTests(RequestLimitsTests.SmallLimitsServer fixture) : IClassFixture<RequestLimitsTests.SmallLimitsServer>
{
    private const int MaxOutputTokens = 8;
    private const int MaxPromptCharacters = 1000;
    private const int MaxEmbeddingInputs = 3;

    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task A_chat_without_max_tokens_stops_at_the_server_cap()
    {
        // Greedy decoding writes the same tokens each time: with max_tokens at the cap it is cut by length, so it has more to say.
        var capped = await ChatAsync(new { model = "tiny", messages = Hello, temperature = 0, seed = 1, max_tokens = MaxOutputTokens });
        var open = await ChatAsync(new { model = "tiny", messages = Hello, temperature = 0, seed = 1 });

        Assert.Equal("length", capped.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(MaxOutputTokens, capped.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", open.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(MaxOutputTokens, open.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(
            capped.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            open.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task An_output_budget_above_the_cap_is_refused_naming_the_field(string field)
    {
        var json = $$"""{"model":"tiny","messages":[{"role":"user","content":"x"}],"{{field}}":{{MaxOutputTokens + 1}}}""";

        var response = await Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var message = await ApiAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Contains($"'{field}' must be between 1 and {MaxOutputTokens}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anthropic_max_tokens_above_the_cap_is_refused()
    {
        var response = await Client.PostAsJsonAsync("/v1/messages", new { model = "tiny", max_tokens = MaxOutputTokens + 1, messages = Hello });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains($"between 1 and {MaxOutputTokens}", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_messages_longer_than_the_cap_in_total_are_refused_and_at_the_cap_pass_the_check()
    {
        // Two messages that fit alone but not together: the cap is on the whole conversation.
        var over = new[] { new { role = "system", content = new string('a', 500) }, new { role = "user", content = new string('b', MaxPromptCharacters - 499) } };
        var at = new[] { new { role = "system", content = new string('a', 500) }, new { role = "user", content = new string('b', MaxPromptCharacters - 500) } };

        var refused = await Client.PostAsJsonAsync("/v1/chat/completions", new { model = "no-such-model", messages = over });
        var passed = await Client.PostAsJsonAsync("/v1/chat/completions", new { model = "no-such-model", messages = at });
        var anthropic = await Client.PostAsJsonAsync("/v1/messages", new
        {
            model = "no-such-model", max_tokens = 4, system = over[0].content, messages = new[] { over[1] },
        });

        await ApiAssert.ErrorAsync(refused, HttpStatusCode.BadRequest, "prompt_too_large");
        // At the limit the request is read in full and fails only for its model.
        await ApiAssert.ErrorAsync(passed, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal(HttpStatusCode.BadRequest, anthropic.StatusCode);
        Assert.Contains($"more than {MaxPromptCharacters} characters", await anthropic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ask_question_or_image_prompt_longer_than_the_cap_is_refused()
    {
        var question = await Client.PostAsJsonAsync("/api/collections/anything/ask", new { question = new string('q', MaxPromptCharacters + 1) });
        var image = await Client.PostAsJsonAsync("/v1/images/generations", new { model = "no-such-model", prompt = new string('p', MaxPromptCharacters + 1) });
        var imageAtCap = await Client.PostAsJsonAsync("/v1/images/generations", new { model = "no-such-model", prompt = new string('p', MaxPromptCharacters) });

        Assert.Contains($"longer than {MaxPromptCharacters}", await ApiAssert.ErrorAsync(question, HttpStatusCode.BadRequest, "invalid_value"), StringComparison.Ordinal);
        Assert.Contains($"longer than {MaxPromptCharacters}", await ApiAssert.ErrorAsync(image, HttpStatusCode.BadRequest, "invalid_value"), StringComparison.Ordinal);
        await ApiAssert.ErrorAsync(imageAtCap, HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task Embeddings_take_at_most_the_capped_number_of_inputs()
    {
        var over = await Client.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = Enumerable.Repeat("tide", MaxEmbeddingInputs + 1) });
        var at = await Client.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = Enumerable.Repeat("tide", MaxEmbeddingInputs) });

        Assert.Contains($"between 1 and {MaxEmbeddingInputs}", await ApiAssert.ErrorAsync(over, HttpStatusCode.BadRequest, "invalid_value"), StringComparison.Ordinal);
        Assert.Equal(MaxEmbeddingInputs, (await ApiAssert.OkAsync(at)).GetProperty("data").GetArrayLength());
    }

    private static object[] Hello => [new { role = "user", content = "Tell me a long story about the sea." }];

    private async Task<JsonElement> ChatAsync(object request) =>
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/v1/chat/completions", request));

    /// <summary>A server with the tiny test GGUF as <c>tiny</c> and small limits.</summary>
    public sealed class SmallLimitsServer : IAsyncLifetime
    {
        private RunningServer? server;

        public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

        public async Task InitializeAsync()
        {
            var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-limits-test-" + Guid.NewGuid().ToString("N")));
            Directory.CreateDirectory(paths.Home);
            var file = Path.Combine(paths.Home, "tiny.gguf");
            TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 512 });
            await new ModelImporter(new ModelStore(paths)).ImportAsync(file, "tiny");
            server = await RunningServer.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Models:Llama:ContextSize"] = "512",
                    ["Models:Llama:Threads"] = "1",
                    ["Server:MaxOutputTokens"] = MaxOutputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Server:MaxPromptCharacters"] = MaxPromptCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Server:MaxEmbeddingInputs"] = MaxEmbeddingInputs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                paths);
        }

        public async Task DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
