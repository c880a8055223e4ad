using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

/// <summary>Log probabilities from the in-process client's decode loop (the runner serves the same client).</summary>
public sealed class TokenLogProbabilityTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static ChatOptions Scored(int top, float temperature) => new()
    {
        Temperature = temperature,
        Seed = 8,
        MaxOutputTokens = 10,
        AdditionalProperties = new() { [LlamaChatOptionKeys.TopLogProbabilities] = top },
    };

    [Fact]
    public async Task Every_generated_token_is_reported_once_with_its_bytes_adding_up_to_the_text()
    {
        var text = new List<byte>();
        var tokens = new List<TokenLogProbability>();
        var answer = new System.Text.StringBuilder();
        await foreach (var update in model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), Scored(top: 4, temperature: 1)))
        {
            answer.Append(update.Text);
            tokens.AddRange(TokenLogProbability.Read(update.AdditionalProperties, LlamaChatOptionKeys.LogProbabilities) ?? []);
        }

        foreach (var token in tokens)
        {
            text.AddRange(token.Bytes);
            Assert.InRange(token.LogProbability, double.NegativeInfinity, 0);
            Assert.Equal(4, token.Top.Count);
            Assert.True(token.Top.Zip(token.Top.Skip(1)).All(pair => pair.First.LogProbability >= pair.Second.LogProbability));
        }

        // The text holds whole characters only: bytes of a character the token limit cut off are in the tokens, not the text.
        var decoded = System.Text.Encoding.UTF8.GetString(text.ToArray());
        Assert.StartsWith(answer.ToString(), decoded, StringComparison.Ordinal);
        Assert.InRange(decoded.Length - answer.Length, 0, 1);
    }

    [Fact]
    public async Task Greedy_decoding_samples_the_most_likely_token_of_the_raw_distribution()
    {
        var response = await model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), Scored(top: 1, temperature: 0))
            .SelectMany(update => (TokenLogProbability.Read(update.AdditionalProperties, LlamaChatOptionKeys.LogProbabilities) ?? []).ToAsyncEnumerable())
            .ToListAsync();

        Assert.NotEmpty(response);
        Assert.All(response, token => Assert.Equal(token.Top[0].Bytes, token.Bytes));
    }

    [Fact]
    public async Task More_than_twenty_alternatives_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => model.Client.GetResponseAsync(TinyModelFixture.Hello(), Scored(top: 21, temperature: 0)));
    }
}
