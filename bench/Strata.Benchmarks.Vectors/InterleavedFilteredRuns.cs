using System.Diagnostics;
using Strata.Data.Hnsw;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// Filtered against unfiltered search on the index alone, query by query: each query runs unfiltered, then at 50 % and at
/// 100 % passing (the passing set built once, so only the walks are compared), back to back, and each plan's times are
/// summed. Rounds of whole query sets run minutes apart on a loaded machine and their rates swing by 2× or more; pairs
/// a fraction of a millisecond apart see the same load, so their ratio measures the walks, not the machine.
/// </summary>
internal static class InterleavedFilteredRuns
{
    public static InterleavedFiltered Measure(HnswIndex index, float[][] queries, int k, int ef, int[] halfPassing, int rounds, Action<string> log)
    {
        var half = AllowedNodes.From(halfPassing, index.NodeCount);
        var all = AllowedNodes.From(Enumerable.Range(0, index.NodeCount).ToArray(), index.NodeCount);
        long unfiltered = 0, fifty = 0, hundred = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var query in queries)
            {
                var start = Stopwatch.GetTimestamp();
                index.Search(query, k, ef);
                var afterUnfiltered = Stopwatch.GetTimestamp();
                FilteredSearch.Run(index, query, k, ef, half);
                var afterHalf = Stopwatch.GetTimestamp();
                FilteredSearch.Run(index, query, k, ef, all);
                var end = Stopwatch.GetTimestamp();
                unfiltered += afterUnfiltered - start;
                fifty += afterHalf - afterUnfiltered;
                hundred += end - afterHalf;
            }
        }

        var result = new InterleavedFiltered((double)unfiltered / fifty, (double)unfiltered / hundred);
        log($"vectors: strata-hnsw, each query unfiltered then filtered back to back ({rounds} rounds): 50% passing {result.HalfPassingRatio:0.00}x, "
            + $"100% passing {result.AllPassingRatio:0.00}x the unfiltered rate");
        return result;
    }
}
