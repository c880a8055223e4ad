using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Strata.Models.Catalog;
using Strata.Models.Store;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// The official OpenAI .NET client (through Microsoft.Extensions.AI.OpenAI, as Strata's remote provider uses it)
/// against a real Strata server: the server is OpenAI-compatible, and Strata's remote provider works.
/// </summary>
public sealed class OfficialClientCompatibilityTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>, IAsyncLifetime
{
    private ModelCatalog remote = null!;
    private ModelCatalog local = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:strata:Kind"] = "openai",
            ["Providers:strata:Endpoint"] = new Uri(fixture.Client.BaseAddress!, "/v1").ToString(),
            ["Providers:strata:Models:0"] = ServerWithModelsFixture.ChatModel,
        }).Build();
        var store = new ModelStore(fixture.Server.Paths);
        remote = new ModelCatalog(store, configuration);
        local = new ModelCatalog(store, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Llama:ContextSize"] = "2048",
            ["Models:Llama:Threads"] = "1",
        }).Build());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await remote.DisposeAsync();
        await local.DisposeAsync();
    }

    private static ChatOptions Greedy(int maxTokens = 12) => new() { Temperature = 0, Seed = 3, MaxOutputTokens = maxTokens };

    private static List<ChatMessage> Hello() => [new(ChatRole.User, "hello world")];

    [Fact]
    public async Task Chat_through_the_remote_provider_matches_the_same_model_in_process()
    {
        var viaHttp = await (await remote.GetChatClientAsync("strata:tiny")).GetResponseAsync(Hello(), Greedy());
        var inProcess = await (await local.GetChatClientAsync("tiny")).GetResponseAsync(Hello(), Greedy());

        Assert.Equal(inProcess.Text, viaHttp.Text);
        Assert.Equal(inProcess.Usage?.OutputTokenCount, viaHttp.Usage?.OutputTokenCount);
        Assert.True(viaHttp.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_chat_through_the_official_client_gives_the_whole_text()
    {
        var client = await remote.GetChatClientAsync("strata:tiny");
        var whole = await client.GetResponseAsync(Hello(), Greedy());

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Hello(), Greedy()))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 1);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Models_and_embeddings_work_through_the_official_client()
    {
        var generator = await remote.GetEmbeddingGeneratorAsync("strata:minilm");
        var embeddings = await generator.GenerateAsync(["A man is eating food.", "A man is eating a piece of bread."]);

        Assert.Equal(384, embeddings[0].Vector.Length);
        var cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        Assert.InRange(cosine, 0.7453, 0.7653);
    }

    [Fact]
    public async Task A_json_schema_request_through_the_official_client_yields_valid_json()
    {
        var client = await remote.GetChatClientAsync("strata:tiny");
        // No maxLength: the OpenAI adapter's strict mode moves it into the description, so the server cannot enforce it,
        // and the caller's own pipeline, which validates against the schema it was given, would refuse the answer.
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

        var response = await client.GetResponseAsync(Hello(), new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 120, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "place") });

        using var answer = JsonDocument.Parse(response.Text);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("city").ValueKind);
    }

    [Fact]
    public async Task A_tool_call_round_trips_through_the_official_client_and_function_invocation()
    {
        var calls = 0;
        var tool = AIFunctionFactory.Create(([Description("a city")] string city) =>
        {
            calls++;
            return $"sunny in {city}";
        }, "get_weather", "Gets the weather for a city.");
        using var client = new ChatClientBuilder(await remote.GetChatClientAsync("strata:tiny")).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync(Hello(), new ChatOptions
        {
            Temperature = 0,
            Seed = 5,
            MaxOutputTokens = 300,
            Tools = [tool],
            ToolMode = ChatToolMode.RequireSpecific("get_weather"),
        });

        Assert.True(calls >= 1, "the required tool was not called");
        Assert.Contains(response.Messages, m => m.Contents.OfType<FunctionResultContent>().Any(r => r.Result?.ToString()?.StartsWith("sunny in", StringComparison.Ordinal) == true));
    }
}
