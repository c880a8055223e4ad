using Microsoft.ML.OnnxRuntime;

namespace Strata.Models.Embeddings;

/// <summary>
/// Groups inputs of similar length into batches. A batch is padded to its longest input, so sorting by length first
/// means short sentences are not padded out to a long neighbour's length: less work, same vectors.
/// </summary>
internal static class LengthBatches
{
    /// <summary>Splits the indices of <paramref name="lengths"/> into batches of at most <paramref name="maxBatchSize"/>, shortest first.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);

        // A stable sort keeps equal-length inputs in request order, so the plan is the same for the same request.
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        return order.Chunk(maxBatchSize).ToList();
    }

    /// <summary>
    /// Runs an ONNX graph over <paramref name="inputs"/> in the batches <see cref="Plan"/> makes and returns each input's
    /// result in input order. Cancelling stops a run already inside ONNX Runtime (<see cref="RunOptions.Terminate"/>), so a
    /// large batch does not have to finish first.
    /// </summary>
    /// <param name="inputs">The encoded inputs.</param>
    /// <param name="length">An input's length in tokens.</param>
    /// <param name="maxBatchSize">The most inputs in one run.</param>
    /// <param name="run">One run of the graph over a batch: a result per input, in the batch's order.</param>
    /// <param name="cancellationToken">Stops between batches and inside a run.</param>
    public static TResult[] Run<TInput, TResult>(
        TInput[] inputs, Func<TInput, int> length, int maxBatchSize, Func<TInput[], RunOptions, TResult[]> run, CancellationToken cancellationToken)
    {
        var results = new TResult[inputs.Length];
        using var runOptions = new RunOptions();
        using var cancellation = cancellationToken.Register(() => runOptions.Terminate = true);
        foreach (var batch in Plan(inputs.Select(length).ToArray(), maxBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            TResult[] batchResults;
            try
            {
                batchResults = run(batch.Select(i => inputs[i]).ToArray(), runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            for (var j = 0; j < batch.Length; j++)
            {
                results[batch[j]] = batchResults[j];
            }
        }

        return results;
    }
}
