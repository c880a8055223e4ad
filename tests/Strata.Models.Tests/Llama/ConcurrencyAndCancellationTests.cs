using Microsoft.Extensions.AI;

namespace Strata.Models.Tests.Llama;

public sealed class ConcurrencyAndCancellationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Prompts = ["hello world", "the tiny model", "strata is a llama", "you and it and the world"];

    [Fact]
    public async Task Four_concurrent_requests_share_the_batch_and_give_the_texts_they_give_alone()
    {
        var alone = new List<string>();
        foreach (var prompt in Prompts)
        {
            alone.Add((await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], TinyModelFixture.Greedy(150))).Text);
        }

        model.Client.Host.ResetPeakParallelSequences();
        var together = await Task.WhenAll(Prompts.Select(prompt =>
            model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], TinyModelFixture.Greedy(150))));

        Assert.Equal(alone, together.Select(response => response.Text));
        Assert.True(model.Client.Host.PeakParallelSequences >= 2, "the requests should have been decoded in the same batches");
        Assert.Equal(4, alone.Distinct().Count());
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_it_at_once_and_the_model_stays_usable()
    {
        var before = (await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(20))).Text;
        using var cancellation = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in model.Client.GetStreamingResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(400), cancellation.Token))
            {
                if (update.Text.Length > 0 && ++received == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        var after = (await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(20))).Text;

        Assert.Equal(3, received);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task An_already_cancelled_request_never_starts()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(), cancellation.Token));
    }
}
