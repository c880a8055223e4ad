using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

public sealed class ContextBudgetTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Prompt_plus_max_output_over_the_context_fails_with_the_numbers()
    {
        var ok = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(1));
        var promptTokens = (int)ok.Usage!.InputTokenCount!.Value;
        var tooMany = TinyModelFixture.Options.ContextSize - promptTokens + 3;

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() =>
            model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(tooMany)));

        Assert.Equal(promptTokens, error.PromptTokens);
        Assert.Equal(tooMany, error.MaxOutputTokens);
        Assert.Equal(TinyModelFixture.Options.ContextSize, error.ContextSize);
        Assert.Equal(3, error.TokensOver);
        Assert.Contains("3 over the context size of 512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_fails_before_generating()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello world", 400));

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() =>
            model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, longText)], TinyModelFixture.Greedy(8)));

        Assert.True(error.PromptTokens > TinyModelFixture.Options.ContextSize);
    }

    [Fact]
    public async Task Exactly_filling_the_context_is_allowed_and_prompts_longer_than_a_batch_work()
    {
        // About 300 prompt tokens: more than the batch size of 128, so the prompt goes in over several decode steps.
        var messages = new List<ChatMessage> { new(ChatRole.User, string.Join(' ', Enumerable.Repeat("hello world tiny", 100))) };
        var probe = await model.Client.GetResponseAsync(messages, TinyModelFixture.Greedy(1));
        var room = TinyModelFixture.Options.ContextSize - (int)probe.Usage!.InputTokenCount!.Value;

        var response = await model.Client.GetResponseAsync(messages, TinyModelFixture.Greedy(room));

        Assert.True(probe.Usage.InputTokenCount > TinyModelFixture.Options.BatchSize);
        Assert.True(response.Usage!.OutputTokenCount <= room);
        Assert.True(response.FinishReason == ChatFinishReason.Length || response.FinishReason == ChatFinishReason.Stop);
    }

    [Fact]
    public async Task An_output_ceiling_caps_a_request_without_max_output_tokens_and_never_refuses_a_long_prompt()
    {
        var messages = new List<ChatMessage> { new(ChatRole.User, string.Join(' ', Enumerable.Repeat("hello world tiny", 100))) };
        var probe = await model.Client.GetResponseAsync(messages, TinyModelFixture.Greedy(1));
        var room = TinyModelFixture.Options.ContextSize - (int)probe.Usage!.InputTokenCount!.Value;
        ChatOptions Ceiling(int tokens) => new()
        {
            Temperature = 0, Seed = 42, AdditionalProperties = new() { [LlamaChatOptionKeys.OutputTokenCeiling] = tokens },
        };

        var capped = await model.Client.GetResponseAsync(messages, Ceiling(3));
        // A ceiling beyond the room left is the room left: the same budget as MaxOutputTokens = room, which is allowed.
        var roomy = await model.Client.GetResponseAsync(messages, Ceiling(room + 1_000));

        Assert.Equal(3, capped.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, capped.FinishReason);
        Assert.InRange(roomy.Usage!.OutputTokenCount!.Value, 1, room);
        await Assert.ThrowsAsync<ContextWindowExceededException>(() => model.Client.GetResponseAsync(messages, TinyModelFixture.Greedy(room + 1_000)));
    }
}

/// <summary>The context is the smaller of the configured size and the size the model was trained for.</summary>
public sealed class TrainedContextTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Fact]
    public async Task A_context_configured_beyond_the_models_trained_size_is_capped_and_the_error_names_both()
    {
        var path = folder.Combine("short.gguf");
        Strata.Models.TestSupport.TinyLlamaGguf.Write(path, new Strata.Models.TestSupport.TinyLlamaOptions { ContextLength = 128 });
        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options with { ContextSize = 4096 });

        Assert.Equal(128, client.Host.TrainedContextSize);
        Assert.Equal(128, client.Host.ContextSize);
        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() =>
            client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(200)));
        Assert.Equal(128, error.ContextSize);
        Assert.Contains("configured 4096", error.Message, StringComparison.Ordinal);
        Assert.Contains("128 the model was trained for", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => folder.Dispose();
}
