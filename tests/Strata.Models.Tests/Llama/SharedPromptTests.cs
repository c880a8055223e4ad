using Microsoft.Extensions.AI;

namespace Strata.Models.Tests.Llama;

/// <summary>
/// Requests with the same prompt in the batch at once (the choices of <c>n</c> &gt; 1) decode the prompt once: the
/// others copy its KV cells and decode only its last token, for their own logits.
/// </summary>
public sealed class SharedPromptTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static List<ChatMessage> Story() => [new(ChatRole.User, "tell the tiny model a story about the world and strata")];

    [Fact]
    public async Task Three_greedy_requests_with_one_prompt_decode_it_once_and_answer_as_one_alone_does()
    {
        var alone = (await model.Client.GetResponseAsync(Story(), TinyModelFixture.Greedy(40))).Text;
        var promptTokens = await model.Client.CountPromptTokensAsync(Story());
        var before = model.Client.Host.PromptTokensDecoded;

        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => model.Client.GetResponseAsync(Story(), TinyModelFixture.Greedy(40))));

        // The first decodes the whole prompt; each of the two others only its last token, after copying the rest.
        Assert.Equal(promptTokens + 2, model.Client.Host.PromptTokensDecoded - before);
        Assert.All(together, response => Assert.Equal(alone, response.Text));
        Assert.False(string.IsNullOrEmpty(alone));
    }

    [Fact]
    public async Task Choices_sharing_a_prompt_still_sample_with_their_own_seeds()
    {
        var promptTokens = await model.Client.CountPromptTokensAsync(Story());
        var before = model.Client.Host.PromptTokensDecoded;

        var choices = await Task.WhenAll(Enumerable.Range(0, 3).Select(index =>
            model.Client.GetResponseAsync(Story(), new ChatOptions { Temperature = 1.5f, Seed = 100 + index, MaxOutputTokens = 40 })));
        var again = await model.Client.GetResponseAsync(Story(), new ChatOptions { Temperature = 1.5f, Seed = 101, MaxOutputTokens = 40 });

        Assert.Equal(promptTokens + 2 + promptTokens, model.Client.Host.PromptTokensDecoded - before);
        Assert.Equal(3, choices.Select(choice => choice.Text).Distinct().Count());
        // A shared prompt is the prompt: the second choice's seed alone gives the same text.
        Assert.Equal(again.Text, choices[1].Text);
    }
}
