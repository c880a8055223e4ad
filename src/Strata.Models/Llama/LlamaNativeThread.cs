using System.Collections.Concurrent;

namespace Strata.Models.Llama;

/// <summary>
/// One thread that makes every llama.cpp call handed to it, in order. llama.cpp's CPU backend (built with OpenMP) keeps a
/// team of worker threads per calling thread, so calls from whichever thread pool thread is free (as LLamaSharp's
/// <c>DecodeAsync</c> and <c>EncodeAsync</c> make them, through <c>Task.Run</c>) leave several teams behind; with more
/// OpenMP threads than cores, libgomp spins only briefly at a barrier and the workers sleep and wake at every operation
/// of the graph. The chat decode loop has a thread of its own for this reason (see the Llama README); embeddings and
/// reranking use this one.
/// </summary>
internal sealed class LlamaNativeThread : IDisposable
{
    private readonly BlockingCollection<Action> work = [];
    private readonly Thread thread;
    private int disposed;

    /// <summary>Starts the thread; <paramref name="name"/> names it in debuggers and dumps.</summary>
    public LlamaNativeThread(string name)
    {
        thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the thread after the calls queued before it. A call is not interrupted once it has
    /// started (llama.cpp offers no safe way); <paramref name="cancellationToken"/> stops one that has not.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The thread was disposed.</exception>
    public Task<T> RunAsync<T>(Func<T> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            work.Add(() =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    done.TrySetCanceled(cancellationToken);
                    return;
                }

                try
                {
                    done.TrySetResult(call());
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            }, CancellationToken.None);
        }
        catch (InvalidOperationException e)
        {
            throw new ObjectDisposedException($"{nameof(LlamaNativeThread)} '{thread.Name}' was disposed.", e);
        }

        return done.Task;
    }

    /// <summary>Lets the queued calls finish, then ends the thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        work.CompleteAdding();
        // A call that disposes its own thread cannot wait for it; the thread ends after that call.
        if (Thread.CurrentThread != thread)
        {
            thread.Join();
            work.Dispose();
        }
    }

    private void Run()
    {
        foreach (var call in work.GetConsumingEnumerable())
        {
            call();
        }
    }
}
