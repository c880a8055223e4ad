using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// <c>n</c> &gt; 1 on chat completions against a real server: n choices generated side by side as sequences of the
/// model's batch (at most Models:Llama:MaxParallelSequences, 4 here), whole or streamed with choice indexes.
/// </summary>
public sealed class ChoicesTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private static Dictionary<string, object?> Request(int n) => new()
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["messages"] = new[] { new { role = "user", content = "hello world" } },
        ["temperature"] = 1.2,
        ["seed"] = 40,
        ["max_tokens"] = 12,
        ["n"] = n,
    };

    [Fact]
    public async Task Three_choices_come_back_indexed_different_and_counted_in_the_usage()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(3));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var root = JsonDocument.Parse(body).RootElement;
        var choices = root.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        var texts = choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).ToList();
        // Each choice samples with its own seed (seed + index), so they are not copies of one another.
        Assert.Equal(3, texts.Distinct().Count());
        Assert.All(choices, c => Assert.Contains(c.GetProperty("finish_reason").GetString(), new[] { "stop", "length" }));

        var usage = root.GetProperty("usage");
        var single = JsonDocument.Parse(await (await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(1))).Content.ReadAsStringAsync()).RootElement;
        // The prompt is counted once, as OpenAI does; the completion tokens of every choice add up.
        Assert.Equal(single.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 3, 36);
    }

    [Fact]
    public async Task Streamed_choices_interleave_under_their_indexes_and_each_finishes()
    {
        var request = Request(2);
        request["stream"] = true;
        request["stream_options"] = new { include_usage = true };

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();

        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        var choices = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).ToList();
        var texts = new[] { new StringBuilder(), new StringBuilder() };
        foreach (var choice in choices)
        {
            var delta = choice.GetProperty("delta");
            if (delta.TryGetProperty("content", out var content))
            {
                texts[choice.GetProperty("index").GetInt32()].Append(content.GetString());
            }
        }

        foreach (var index in new[] { 0, 1 })
        {
            var mine = choices.Where(c => c.GetProperty("index").GetInt32() == index).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Single(mine, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String);
            Assert.True(texts[index].Length > 0);
        }

        Assert.NotEqual(texts[0].ToString(), texts[1].ToString());
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= 2);
    }

    [Fact]
    public async Task More_choices_than_the_batch_holds_is_a_400_naming_n()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(5));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("n", error.GetProperty("param").GetString());
        Assert.Contains("4", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
