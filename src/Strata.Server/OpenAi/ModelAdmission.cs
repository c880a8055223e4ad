using System.Collections.Concurrent;
using Strata.Core.Options;

namespace Strata.Server.OpenAi;

/// <summary>
/// A bounded queue per model: at most <c>Server:ModelConcurrency</c> requests run on one model at once (they are
/// batched together by the runtime) and at most <c>Server:ModelQueueLength</c> more wait; a request beyond that is
/// refused at once with 429 and <c>Retry-After</c> instead of piling up until clients time out.
/// </summary>
public sealed class ModelAdmission(int concurrency, int queueLength)
{
    private readonly ConcurrentDictionary<string, Gate> gates = new(StringComparer.Ordinal);

    /// <summary>Takes the bounds from the bound server options.</summary>
    public static ModelAdmission From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ModelAdmission(options.ModelConcurrency, options.ModelQueueLength);
    }

    /// <summary>Waits for a turn on <paramref name="model"/>; dispose the result when the request ends.</summary>
    /// <exception cref="OpenAiRequestException">The model's queue is full (429).</exception>
    public async Task<IDisposable> EnterAsync(string model, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(model, _ => new Gate(concurrency));
        if (Interlocked.Increment(ref gate.Admitted) > concurrency + queueLength)
        {
            Interlocked.Decrement(ref gate.Admitted);
            throw new OpenAiRequestException(
                $"Model '{model}' has {concurrency} requests running and {queueLength} waiting; retry shortly.",
                code: "model_busy", statusCode: 429);
        }

        try
        {
            await gate.Running.WaitAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref gate.Admitted);
            throw;
        }

        return new Turn(gate);
    }

    private sealed class Gate(int concurrency)
    {
        public readonly SemaphoreSlim Running = new(concurrency, concurrency);
        public int Admitted;
    }

    private sealed class Turn(Gate gate) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                gate.Running.Release();
                Interlocked.Decrement(ref gate.Admitted);
            }
        }
    }
}
