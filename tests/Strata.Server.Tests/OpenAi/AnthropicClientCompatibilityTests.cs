using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Strata.Models.Catalog;
using Strata.Models.Store;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// Anthropic's official SDK (Strata's <c>anthropic</c> provider kind) against a real Strata server's
/// <c>/v1/messages</c>: the remote Anthropic path works end to end, and Strata speaks Anthropic's protocol.
/// </summary>
public sealed class AnthropicClientCompatibilityTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>, IAsyncLifetime
{
    private ModelCatalog remote = null!;

    public Task InitializeAsync()
    {
        var store = new ModelStore(fixture.Server.Paths);
        remote = new ModelCatalog(store, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:claude:Kind"] = "anthropic",
            ["Providers:claude:Endpoint"] = fixture.Client.BaseAddress!.ToString(),
            ["Providers:claude:ApiKey"] = "unused-on-loopback",
        }).Build());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await remote.DisposeAsync();
    }

    // Anthropic's Microsoft.Extensions.AI adapter (SDK 13.14) sends max_tokens, system and messages but not
    // temperature, top_k or seed, so the server samples with its defaults: compare shape and limits, not exact text.
    private static ChatOptions Limited() => new() { MaxOutputTokens = 12 };

    private static List<ChatMessage> Hello() => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "hello world")];

    [Fact]
    public async Task Chat_through_the_anthropic_sdk_returns_text_and_usage_within_max_tokens()
    {
        var response = await (await remote.GetChatClientAsync("claude:tiny")).GetResponseAsync(Hello(), Limited());

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 12);
        Assert.True(response.Usage?.InputTokenCount > 0);
        Assert.Contains(response.FinishReason, new ChatFinishReason?[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }

    [Fact]
    public async Task Streaming_through_the_anthropic_sdk_delivers_text_in_several_updates_and_usage()
    {
        var client = await remote.GetChatClientAsync("claude:tiny");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Hello(), Limited()))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1);
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 12);
    }

    [Fact]
    public async Task A_missing_max_tokens_gets_an_anthropic_shaped_400()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/messages", new { model = "tiny", messages = new[] { new { role = "user", content = "x" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Contains("max_tokens", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
