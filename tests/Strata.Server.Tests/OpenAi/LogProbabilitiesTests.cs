using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// <c>logprobs</c> and <c>top_logprobs</c> through OpenAI's .NET SDK, and on <c>/v1/completions</c>, against a real
/// server whose tiny model runs in a runner process: the values are the model's own (log-softmax of its logits).
/// </summary>
public sealed class LogProbabilitiesTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private ChatClient Chat() =>
        new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(fixture.Client.BaseAddress!, "/v1") })
            .GetChatClient(ServerWithModelsFixture.ChatModel);

    private static ChatCompletionOptions Options(int top, float temperature = 0) => new()
    {
        IncludeLogProbabilities = true,
        TopLogProbabilityCount = top,
        Temperature = temperature,
        MaxOutputTokenCount = 10,
    };

    [Fact]
    public async Task Greedy_tokens_are_the_most_likely_with_top_alternatives_sorted_and_never_above_zero()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync([new UserChatMessage("hello world")], Options(top: 5));

        var tokens = completion.ContentTokenLogProbabilities;
        Assert.NotEmpty(tokens);
        Assert.Equal(completion.Content[0].Text, string.Concat(tokens.Select(t => Encoding.UTF8.GetString(t.Utf8Bytes!.Value.Span))));
        foreach (var token in tokens)
        {
            Assert.True(token.LogProbability <= 0, $"{token.Token}: {token.LogProbability}");
            Assert.Equal(5, token.TopLogProbabilities.Count);
            Assert.All(token.TopLogProbabilities, alternative => Assert.True(alternative.LogProbability <= 0));
            var values = token.TopLogProbabilities.Select(alternative => alternative.LogProbability).ToList();
            Assert.Equal(values.OrderByDescending(v => v), values);
            // Temperature 0 samples the arg max of the model's distribution: the top-1 alternative, with the same value.
            Assert.Equal(token.TopLogProbabilities[0].Token, token.Token);
            Assert.Equal(token.TopLogProbabilities[0].LogProbability, token.LogProbability, 6);
        }

        // The probabilities are a distribution: the top five of a position never sum above one.
        Assert.All(tokens, token => Assert.True(token.TopLogProbabilities.Sum(alternative => Math.Exp(alternative.LogProbability)) <= 1 + 1e-6));
    }

    [Fact]
    public async Task A_sampled_token_reports_its_own_probability_which_is_at_most_the_top_ones()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync([new UserChatMessage("hello world")], Options(top: 20, temperature: 1.5f));

        Assert.All(completion.ContentTokenLogProbabilities, token =>
        {
            Assert.Equal(20, token.TopLogProbabilities.Count);
            Assert.True(token.LogProbability <= token.TopLogProbabilities[0].LogProbability + 1e-9);
            // A sampled token that is among the top 20 has exactly the value listed there (matched by bytes: several
            // byte tokens show as the same replacement character).
            var bytes = token.Utf8Bytes!.Value.ToArray();
            if (token.TopLogProbabilities.FirstOrDefault(alternative => alternative.Utf8Bytes!.Value.Span.SequenceEqual(bytes)) is { } listed)
            {
                Assert.Equal(listed.LogProbability, token.LogProbability, 6);
            }
        });
    }

    [Fact]
    public async Task Streamed_chunks_carry_the_same_tokens_as_the_whole_answer()
    {
        var options = Options(top: 3);
        ChatCompletion whole = await Chat().CompleteChatAsync([new UserChatMessage("hello world")], options);

        var streamed = new List<ChatTokenLogProbabilityDetails>();
        var text = new StringBuilder();
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("hello world")], Options(top: 3)))
        {
            streamed.AddRange(update.ContentTokenLogProbabilities);
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(whole.ContentTokenLogProbabilities.Select(t => (t.Token, Math.Round(t.LogProbability, 5))), streamed.Select(t => (t.Token, Math.Round(t.LogProbability, 5))));
    }

    [Fact]
    public async Task Without_logprobs_a_choice_carries_none()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync([new UserChatMessage("hello world")], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 4 });

        Assert.Empty(completion.ContentTokenLogProbabilities);
    }

    [Theory]
    [InlineData("""{"top_logprobs":21,"logprobs":true}""", "top_logprobs")]
    [InlineData("""{"top_logprobs":-1,"logprobs":true}""", "top_logprobs")]
    [InlineData("""{"top_logprobs":3}""", "top_logprobs")]
    public async Task Out_of_range_or_orphaned_top_logprobs_is_a_400_naming_it(string extra, string param)
    {
        var request = JsonSerializer.SerializeToNode(new { model = ServerWithModelsFixture.ChatModel, messages = new[] { new { role = "user", content = "x" } }, max_tokens = 2 })!.AsObject();
        foreach (var field in JsonDocument.Parse(extra).RootElement.EnumerateObject())
        {
            request[field.Name] = System.Text.Json.Nodes.JsonNode.Parse(field.Value.GetRawText());
        }

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Completions_report_tokens_offsets_and_top_alternatives_in_the_legacy_shape()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/completions",
            new { model = ServerWithModelsFixture.ChatModel, prompt = "Once upon a time", max_tokens = 8, temperature = 0, logprobs = 2 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var choice = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        var values = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(v => v.GetInt32()).ToList();
        var tops = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(choice.GetProperty("text").GetString(), string.Concat(tokens));
        Assert.Equal(tokens.Count, values.Count);
        Assert.All(values, value => Assert.True(value <= 0));
        Assert.Equal(0, offsets[0]);
        Assert.All(Enumerable.Range(1, tokens.Count - 1), i => Assert.Equal(offsets[i - 1] + tokens[i - 1].Length, offsets[i]));
        Assert.All(tops, top => Assert.InRange(top.EnumerateObject().Count(), 1, 2));
        // Greedy: the sampled token is the most likely one of its position.
        Assert.All(Enumerable.Range(0, tokens.Count), i => Assert.Equal(tops[i].EnumerateObject().Max(p => p.Value.GetDouble()), values[i], 6));
    }

    [Theory]
    [InlineData("""{"logprobs":6}""")]
    [InlineData("""{"logprobs":2,"echo":true}""")]
    public async Task Completions_refuse_what_they_cannot_score(string extra)
    {
        var request = JsonSerializer.SerializeToNode(new { model = ServerWithModelsFixture.ChatModel, prompt = "x", max_tokens = 2 })!.AsObject();
        foreach (var field in JsonDocument.Parse(extra).RootElement.EnumerateObject())
        {
            request[field.Name] = System.Text.Json.Nodes.JsonNode.Parse(field.Value.GetRawText());
        }

        var response = await fixture.Client.PostAsJsonAsync("/v1/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("logprobs", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
