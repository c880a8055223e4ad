using Microsoft.Extensions.AI;

namespace Strata.Models.Tests.Llama;

public sealed class GenerationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Greedy_generation_repeats_itself_and_streaming_matches_the_whole_response()
    {
        var first = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy());
        var second = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy());
        var streamed = new List<string>();
        await foreach (var update in model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy()))
        {
            streamed.Add(update.Text);
        }

        Assert.NotEmpty(first.Text);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, string.Concat(streamed));
        Assert.True(streamed.Count(piece => piece.Length > 0) > 1, "the text should arrive in several updates, token by token");
    }

    [Fact]
    public async Task Every_response_reports_input_and_output_tokens()
    {
        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(10));
        var streamedUsage = new List<UsageDetails>();
        await foreach (var update in model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(10)))
        {
            streamedUsage.AddRange(update.Contents.OfType<UsageContent>().Select(usage => usage.Details));
        }

        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 5);
        Assert.Equal(10, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + 10, response.Usage.TotalTokenCount);
        var usage = Assert.Single(streamedUsage);
        Assert.Equal(response.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task Max_output_tokens_ends_the_answer_with_finish_reason_length()
    {
        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(7));

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(7, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_stop_sequence_cuts_the_text_before_it()
    {
        var full = (await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(40))).Text;
        // Stop at a piece of the greedy answer itself, so the random model is sure to produce it.
        var stop = full.Substring(full.Length / 2, 2);
        var options = TinyModelFixture.Greedy(40);
        options.StopSequences = [stop];

        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), options);
        var streamed = new List<string>();
        await foreach (var update in model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), options))
        {
            streamed.Add(update.Text);
        }

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.DoesNotContain(stop, string.Concat(streamed), StringComparison.Ordinal);
        Assert.Equal(response.Text, string.Concat(streamed));
    }

    [Fact]
    public async Task Seeded_sampling_at_high_temperature_repeats_itself_and_another_seed_differs()
    {
        ChatOptions Sampled(long seed) => new() { Temperature = 1.5f, TopK = 0, TopP = 1, Seed = seed, MaxOutputTokens = 24 };

        var first = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), Sampled(7));
        var again = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), Sampled(7));
        var other = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), Sampled(8));

        Assert.Equal(first.Text, again.Text);
        Assert.NotEqual(first.Text, other.Text);
    }

    [Fact]
    public async Task Min_p_from_additional_properties_reaches_the_sampler()
    {
        var greedy = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(24));
        ChatOptions Hot(float? minP)
        {
            var options = new ChatOptions { Temperature = 1.5f, TopK = 0, TopP = 1, Seed = 9, MaxOutputTokens = 24 };
            if (minP is { } value)
            {
                options.AdditionalProperties = new() { ["min_p"] = value };
            }

            return options;
        }

        var hot = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), Hot(null));
        // min_p = 1 keeps only the most likely token, which is greedy decoding whatever the temperature.
        var onlyTheTop = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), Hot(1f));

        Assert.NotEqual(greedy.Text, hot.Text);
        Assert.Equal(greedy.Text, onlyTheTop.Text);
    }

    [Fact]
    public async Task Frequency_and_presence_penalties_change_a_repetitive_greedy_answer()
    {
        var plain = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(40));
        var penalised = TinyModelFixture.Greedy(40);
        penalised.FrequencyPenalty = 2;
        penalised.PresencePenalty = 2;

        var answer = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), penalised);

        Assert.NotEqual(plain.Text, answer.Text);
    }
}
