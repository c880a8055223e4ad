namespace Strata.Data.Collections;

/// <summary>
/// Runs work that is synchronous by nature (the embedded store: SQLite calls on a local file and CPU-bound graph walks)
/// behind an asynchronous method. A thread hop would only add latency, so the work runs on the caller's thread; the
/// token is honoured before it starts (and by the work itself between its steps), and every outcome, a cancellation or
/// a failure included, comes back in the task as an <c>async</c> method's would.
/// </summary>
internal static class SynchronousWork
{
    /// <summary>Runs <paramref name="body"/> now unless <paramref name="cancellationToken"/> is already cancelled.</summary>
    public static Task<T> Run<T>(Func<T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(body());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>Runs <paramref name="body"/> now unless <paramref name="cancellationToken"/> is already cancelled.</summary>
    public static Task Run(Action body, CancellationToken cancellationToken) => Run(() =>
    {
        body();
        return true;
    }, cancellationToken);
}
