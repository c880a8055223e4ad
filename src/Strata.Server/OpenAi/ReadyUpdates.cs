namespace Strata.Server.OpenAi;

/// <summary>
/// The streaming loop every protocol's writer shares: each update is written without flushing, and what is written
/// is sent when the model has nothing more ready, so tokens that are already waiting (the decoder ran ahead of the
/// network) go out together in one send instead of one each.
/// </summary>
internal static class ReadyUpdates
{
    /// <param name="updates">The model's updates.</param>
    /// <param name="write">Writes one update unflushed; returns whether it wrote anything.</param>
    /// <param name="flush">Sends what is written.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    public static async Task ForEachAsync<T>(IAsyncEnumerable<T> updates, Func<T, Task<bool>> write, Func<Task> flush, CancellationToken cancellationToken)
    {
        var unsent = false;
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = enumerator.MoveNextAsync();
            if (unsent && !next.IsCompleted)
            {
                await flush();
                unsent = false;
            }

            if (!await next)
            {
                return;
            }

            unsent |= await write(enumerator.Current);
        }
    }
}
