using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Strata.Models.Runners;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// The runner channel's chat update messages: updates that are ready together cross as one message and come back as
/// the same updates, one each, in order; updates that come one at a time cross one at a time; and a reader that stops
/// early cancels the model's stream even while the runner is waiting for its next update.
/// </summary>
public sealed class RunnerChatUpdatesTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task Updates_ready_together_cross_as_one_message_and_read_back_as_the_same_updates()
    {
        var updates = Updates("Hel", "lo, \"wörld\"", ":", "3:b", "t", "\n{x}");
        updates.Add(new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { OutputTokenCount = 6 })])
        {
            ResponseId = "r1", MessageId = "r1", CreatedAt = Created, ModelId = "m", FinishReason = ChatFinishReason.Length,
        });

        var messages = await ToListAsync(RunnerChatUpdates.WriteAsync(Ready(updates), CancellationToken.None));

        var message = Assert.Single(messages);
        Assert.StartsWith("b", message, StringComparison.Ordinal);
        Assert.Equal(updates.Select(Json), Read(messages).Select(Json));
    }

    [Fact]
    public async Task Updates_that_come_one_at_a_time_cross_one_message_each()
    {
        var updates = Updates("a", "b", "c");

        var messages = await ToListAsync(RunnerChatUpdates.WriteAsync(OneAtATime(updates), CancellationToken.None));

        Assert.Equal(3, messages.Count);
        Assert.DoesNotContain(messages, m => m.StartsWith('b'));
        Assert.Equal(updates.Select(Json), Read(messages).Select(Json));
    }

    [Fact]
    public async Task A_reader_that_stops_while_the_next_update_is_awaited_cancels_the_model_stream()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enumerator = RunnerChatUpdates.WriteAsync(FirstThenWait(cancelled), CancellationToken.None).GetAsyncEnumerator();

        Assert.True(await enumerator.MoveNextAsync());
        await enumerator.DisposeAsync();

        Assert.True(cancelled.Task.IsCompleted);
    }

    private static List<ChatResponseUpdate> Updates(params string[] texts) =>
        texts.Select(text => new ChatResponseUpdate(ChatRole.Assistant, text) { ResponseId = "r1", MessageId = "r1", CreatedAt = Created, ModelId = "m" }).ToList();

    private static List<ChatResponseUpdate> Read(IEnumerable<string> messages)
    {
        ChatResponseUpdate? template = null;
        var read = new List<ChatResponseUpdate>();
        foreach (var message in messages)
        {
            RunnerChatUpdates.Read(message, ref template, read);
        }

        return read;
    }

    private static string Json(ChatResponseUpdate update) => System.Text.Json.JsonSerializer.Serialize(update, AIJsonUtilities.DefaultOptions);

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> messages)
    {
        var list = new List<string>();
        await foreach (var message in messages)
        {
            list.Add(message);
        }

        return list;
    }

    // Every update already there when asked for, as when the decoder ran ahead of the channel.
    private static async IAsyncEnumerable<ChatResponseUpdate> Ready(IEnumerable<ChatResponseUpdate> updates)
    {
        await Task.CompletedTask;
        foreach (var update in updates)
        {
            yield return update;
        }
    }

    // Each update after a real wait, as when the channel is faster than the decoder.
    private static async IAsyncEnumerable<ChatResponseUpdate> OneAtATime(IEnumerable<ChatResponseUpdate> updates)
    {
        foreach (var update in updates)
        {
            await Task.Delay(20);
            yield return update;
        }
    }

    // One update, then a wait for the next that only cancellation ends.
    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenWait(TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return Updates("a")[0];
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            cancelled.TrySetResult();
        }

        yield return Updates("b")[0];
    }
}
