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
}
