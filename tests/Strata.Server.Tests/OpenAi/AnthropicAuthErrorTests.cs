using System.Net;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

/// <summary>A missing or wrong key on Anthropic's route is answered in Anthropic's error shape, which its SDK parses.</summary>
public sealed class AnthropicAuthErrorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task A_401_on_messages_has_anthropics_shape_and_one_on_chat_completions_keeps_openais(string? key)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "sk-right-key-0123456789" });
        var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var messages = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = body };
        if (key is not null)
        {
            messages.Headers.Add("x-api-key", key);
        }

        var anthropic = await server.Client.SendAsync(messages);
        var openAi = await server.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, anthropic.StatusCode);
        var error = JsonDocument.Parse(await anthropic.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("authentication_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, openAi.StatusCode);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
