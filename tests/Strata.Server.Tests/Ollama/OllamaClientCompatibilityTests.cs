using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests.Ollama;

/// <summary>
/// OllamaSharp, Ollama's most used .NET client, against a real Strata server: its <see cref="IChatClient"/> and
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, streaming, tools, structured output, the model listing and
/// a pull of an <c>hf.co/OWNER/REPO:QUANT</c> name from a local Hub server.
/// </summary>
public sealed class OllamaClientCompatibilityTests(OllamaServerFixture fixture) : IClassFixture<OllamaServerFixture>
{
    private OllamaApiClient Client(string model = "tiny") => new(fixture.Address, model);

    private static List<ChatMessage> Hello() => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "hello world")];

    private static ChatOptions Greedy(int maxTokens = 12) => new() { Temperature = 0, Seed = 4, MaxOutputTokens = maxTokens };

    [Fact]
    public async Task Chat_through_ollamas_ichatclient_returns_text_usage_and_respects_num_predict()
    {
        using var client = Client();

        var response = await ((IChatClient)client).GetResponseAsync(Hello(), Greedy());

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 12);
        Assert.True(response.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_delivers_the_same_text_as_a_whole_answer_in_several_updates()
    {
        using var client = Client();
        var whole = await ((IChatClient)client).GetResponseAsync(Hello(), Greedy(16));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in ((IChatClient)client).GetStreamingResponseAsync(Hello(), Greedy(16)))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count(u => u.Text.Length > 0) > 1);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Structured_output_through_getresponseasync_of_t_is_valid_json_of_the_type()
    {
        using var client = Client();

        var response = await ((IChatClient)client).GetResponseAsync<Note>(Hello(), new ChatOptions { Temperature = 0, Seed = 2, MaxOutputTokens = 60 });

        Assert.True(response.TryGetResult(out var note), response.Text);
        Assert.NotNull(note!.Title);
    }

    [Fact]
    public async Task Json_format_on_generate_answers_a_json_object_and_ndjson_lines_end_with_done()
    {
        var response = await fixture.Server.Client.PostAsJsonAsync("/api/generate", new
        {
            model = "tiny",
            prompt = "a json object please",
            format = "json",
            options = new { temperature = 0, seed = 3, num_predict = 60 },
        });

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines[..^1], line => Assert.False(line.GetProperty("done").GetBoolean()));
        var last = lines[^1];
        Assert.True(last.GetProperty("done").GetBoolean());
        var text = string.Concat(lines.Select(l => l.GetProperty("response").GetString()));
        if (last.GetProperty("done_reason").GetString() == "stop")
        {
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task A_tool_call_and_its_result_in_the_history_are_understood_and_tools_are_offered()
    {
        using var client = Client();
        var weather = AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "The weather in a city.");
        List<ChatMessage> history =
        [
            new(ChatRole.User, "weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "Sunny in Paris")]),
        ];

        var response = await ((IChatClient)client).GetResponseAsync(history, new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 40, Tools = [weather] });

        // The tiny model may answer or call again; either way a call can only name the declared tool, with its arguments.
        foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            Assert.Equal("get_weather", call.Name);
            Assert.True(call.Arguments?.ContainsKey("city"));
        }

        Assert.True(response.Text.Length > 0 || response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Any());
    }

    [Fact]
    public async Task Embeddings_through_ollamas_iembeddinggenerator_and_the_older_route_agree()
    {
        using var client = Client("minilm");

        var embeddings = await ((IEmbeddingGenerator<string, Embedding<float>>)client).GenerateAsync(["A man is eating food.", "A man is riding a horse."]);
        var legacy = await fixture.Server.Client.PostAsJsonAsync("/api/embeddings", new { model = "minilm", prompt = "A man is eating food." });

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(384, embeddings[0].Vector.Length);
        var single = JsonDocument.Parse(await legacy.Content.ReadAsStringAsync()).RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(embeddings[0].Vector.ToArray(), single, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public async Task Listing_show_version_and_running_models_describe_what_the_server_serves()
    {
        using var client = Client();
        await ((IChatClient)client).GetResponseAsync(Hello(), Greedy(2));

        var models = (await client.ListLocalModelsAsync()).ToList();
        var show = await client.ShowModelAsync("tiny");
        var embedder = await client.ShowModelAsync("minilm");
        var running = (await client.ListRunningModelsAsync()).ToList();
        var version = await client.GetVersionAsync();

        Assert.Contains(models, m => m.Name == "tiny" && m.Size > 0);
        Assert.Contains("completion", show.Capabilities!);
        Assert.Contains("embedding", embedder.Capabilities!);
        Assert.Contains(running, m => m.Name == "tiny");
        Assert.True(Version.Parse(version) >= new Version(0, 5));
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_in_ollamas_error_shape()
    {
        var response = await fixture.Server.Client.PostAsJsonAsync("/api/chat", new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task An_hf_co_name_is_pulled_with_streamed_progress_then_chats_is_copied_and_deleted()
    {
        var folder = Path.Combine(fixture.Server.Paths.Home, "hub-files");
        Directory.CreateDirectory(folder);
        // Another name than the fixture's model: identical bytes would already be in the store, and nothing would download.
        TinyLlamaGguf.Write(Path.Combine(folder, "a.gguf"), new TinyLlamaOptions { ContextLength = 2048, Name = "hub-tiny" });
        var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, "a.gguf"));
        fixture.Hub.AddRepository("someone/tiny-GGUF", ("tiny.Q4_K_M.gguf", bytes, true), ("tiny.Q8_0.gguf", bytes.Reverse().ToArray(), true));
        using var client = Client();

        var progress = new List<PullModelResponse?>();
        await foreach (var update in client.PullModelAsync("hf.co/someone/tiny-GGUF:Q4_K_M"))
        {
            progress.Add(update);
        }

        Assert.Equal("pulling manifest", progress[0]!.Status);
        Assert.Contains(progress, p => p!.Status!.StartsWith("pulling tiny.Q4_K_M.gguf", StringComparison.Ordinal) && p.Total == bytes.Length);
        Assert.Equal("success", progress[^1]!.Status);
        using var pulled = Client("hf.co/someone/tiny-GGUF:Q4_K_M");
        Assert.False(string.IsNullOrEmpty((await ((IChatClient)pulled).GetResponseAsync(Hello(), Greedy(4))).Text));

        await client.CopyModelAsync("hf.co/someone/tiny-GGUF:Q4_K_M", "tiny-copy");
        await client.DeleteModelAsync("hf.co/someone/tiny-GGUF:Q4_K_M");
        var names = (await client.ListLocalModelsAsync()).Select(m => m.Name).ToList();
        Assert.Contains("tiny-copy", names);
        Assert.DoesNotContain("hf.co/someone/tiny-gguf:q4_k_m", names);
        using var copy = Client("tiny-copy");
        Assert.False(string.IsNullOrEmpty((await ((IChatClient)copy).GetResponseAsync(Hello(), Greedy(4))).Text));
    }

    [Fact]
    public async Task A_library_name_without_a_hub_source_is_refused_with_a_400()
    {
        var response = await fixture.Server.Client.PostAsJsonAsync("/api/pull", new { model = "llama3.2" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("hf.co/OWNER/REPO", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    // Strings and booleans: a random model's integers can overflow an int, which the schema of int does not forbid.
    private sealed record Note(string Title, bool Done);
}
