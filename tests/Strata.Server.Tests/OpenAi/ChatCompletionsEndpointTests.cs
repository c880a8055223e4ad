using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

public sealed class ChatCompletionsEndpointTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private static object Request(bool stream = false, int maxTokens = 12, object? extra = null) => new Dictionary<string, object?>
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["messages"] = new[] { new { role = "system", content = "You are terse." }, new { role = "user", content = "hello world" } },
        ["temperature"] = 0,
        ["seed"] = 7,
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
        ["stream_options"] = stream ? new { include_usage = true } : null,
    }.Concat(extra is Dictionary<string, object?> more ? more : []).ToDictionary();

    [Fact]
    public async Task A_completion_has_openai_shape_with_usage_and_a_finish_reason()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        var usage = root.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 12);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Streaming_sends_chunks_a_usage_chunk_and_done_with_the_same_text()
    {
        var whole = JsonDocument.Parse(await (await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request())).Content.ReadAsStringAsync());
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(stream: true));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("data: ", line, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, chunk => Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString()));
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal(whole.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "", text);
        var usage = chunks[^1].GetProperty("usage");
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        Assert.Equal(whole.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"tiny","messages":[{"role":"user","content":"x"}],"temperature":5}""", "temperature")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user","content":"x"}],"max_tokens":100000}""", "max_tokens")]
    [InlineData("""{"model":"tiny","messages":[]}""", "messages")]
    [InlineData("""{"model":"tiny","messages":[{"role":"wizard","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user","content":"x"}],"n":5}""", "n")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}}""", "response_format.type")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    public async Task Invalid_requests_get_400_naming_the_field(string json, string param)
    {
        var response = await fixture.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(param, body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_prompt_that_does_not_fit_the_context_gets_400_context_length_exceeded()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello world", 1500));
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = ServerWithModelsFixture.ChatModel,
            messages = new[] { new { role = "user", content = longText } },
            max_tokens = 16,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("context_length_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_model_gets_404()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "nope", messages = new[] { new { role = "user", content = "x" } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_json_schema_response_format_yields_valid_json()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"}},"required":["name","age"]}""").RootElement;
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(maxTokens: 200, extra: new Dictionary<string, object?>
        {
            ["response_format"] = new { type = "json_schema", json_schema = new { name = "person", schema } },
        }));

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var answer = JsonDocument.Parse(body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Number, answer.RootElement.GetProperty("age").ValueKind);
    }
}
