using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

/// <summary><c>POST /v1/completions</c> against a real server with the tiny model.</summary>
public sealed class CompletionsEndpointTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private static Dictionary<string, object?> Request(object prompt) => new()
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["prompt"] = prompt,
        ["temperature"] = 0,
        ["seed"] = 9,
        ["max_tokens"] = 12,
    };

    [Fact]
    public async Task An_array_of_prompts_gets_one_choice_each_with_usage_and_the_same_seed_repeats_the_text()
    {
        var first = await CompleteAsync(Request(new[] { "Once upon a time", "hello world" }));
        var again = await CompleteAsync(Request(new[] { "Once upon a time", "hello world" }));

        Assert.Equal("text_completion", first.GetProperty("object").GetString());
        var choices = first.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal([0, 1], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices.EnumerateArray(), c => Assert.Contains(c.GetProperty("finish_reason").GetString(), new[] { "stop", "length" }));
        Assert.InRange(first.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 2, 24);
        Assert.Equal(choices[0].GetProperty("text").GetString(), again.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Echo_starts_the_text_with_the_prompt_and_a_stop_sequence_ends_it()
    {
        var plain = (await CompleteAsync(Request("hello world"))).GetProperty("choices")[0].GetProperty("text").GetString()!;
        var echoed = Request("hello world");
        echoed["echo"] = true;
        var stopped = Request("hello world");
        stopped["stop"] = plain.Substring(2, 2);

        Assert.Equal("hello world" + plain, (await CompleteAsync(echoed)).GetProperty("choices")[0].GetProperty("text").GetString());
        var cut = (await CompleteAsync(stopped)).GetProperty("choices")[0];
        Assert.Equal(plain[..plain.IndexOf(plain.Substring(2, 2), StringComparison.Ordinal)], cut.GetProperty("text").GetString());
        Assert.Equal("stop", cut.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Streaming_sends_text_chunks_a_finish_chunk_usage_and_done()
    {
        var request = Request("hello world");
        request["stream"] = true;
        request["stream_options"] = new { include_usage = true };
        var whole = (await CompleteAsync(Request("hello world"))).GetProperty("choices")[0].GetProperty("text").GetString();

        var response = await fixture.Client.PostAsJsonAsync("/v1/completions", request);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();

        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        var texts = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal(whole, string.Concat(texts.Select(c => c.GetProperty("text").GetString())));
        Assert.NotNull(texts[^1].GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("suffix", "\"the end\"")]
    [InlineData("best_of", "3")]
    [InlineData("n", "2")]
    [InlineData("prompt", "[1, 2, 3]")]
    public async Task What_is_not_supported_is_a_400_naming_the_field(string field, string value)
    {
        var request = Request("hello");
        request[field] = JsonDocument.Parse(value).RootElement;

        var response = await fixture.Client.PostAsJsonAsync("/v1/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    private async Task<JsonElement> CompleteAsync(Dictionary<string, object?> request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/completions", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
