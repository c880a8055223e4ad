using System.Diagnostics;
using Strata.Data.Hnsw;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// Filtered against unfiltered search on the index alone, interleaved: the unfiltered search, the search at 50 % passing and
/// the one at 100 % passing (the passing sets built once, so only the walks are compared) take turns, and each plan's
/// times are summed. Rounds of whole query sets run minutes apart on a loaded machine and their rates swing by 2× or
/// more; calls a fraction of a millisecond apart see the same load, so the ratio measures the walks, not the machine.
/// The plans search a query a third of the query set apart (plan p takes query i + p × n / 3): the same query searched
/// again soon after finds its part of the graph in the CPU cache, which made whichever plan came second look up to 1.9×
/// faster than the same walk run first (the plans a call or two apart measured 1.88× and 0.61× for identical walks).
/// The unfiltered and 100 % passing searches run at the unfiltered ef, the 50 % one at its own (each its first ef
/// reaching the recall target), so the rates compare equal quality.
/// </summary>
internal static class InterleavedFilteredRuns
{
    public static InterleavedFiltered Measure(HnswIndex index, float[][] queries, int k, int ef, int halfEf, int[] halfPassing, int rounds, Action<string> log)
    {
        var half = AllowedNodes.From(halfPassing, index.NodeCount);
        var all = AllowedNodes.From(Enumerable.Range(0, index.NodeCount).ToArray(), index.NodeCount);
        long unfiltered = 0, fifty = 0, hundred = 0;
        var third = Math.Max(1, queries.Length / 3);
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < queries.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                index.Search(queries[i], k, ef);
                var afterUnfiltered = Stopwatch.GetTimestamp();
                FilteredSearch.Run(index, queries[(i + third) % queries.Length], k, halfEf, half);
                var afterHalf = Stopwatch.GetTimestamp();
                FilteredSearch.Run(index, queries[(i + (2 * third)) % queries.Length], k, ef, all);
                var end = Stopwatch.GetTimestamp();
                unfiltered += afterUnfiltered - start;
                fifty += afterHalf - afterUnfiltered;
                hundred += end - afterHalf;
            }
        }

        var result = new InterleavedFiltered((double)unfiltered / fifty, (double)unfiltered / hundred);
        log($"vectors: strata-hnsw, unfiltered (ef {ef}) and filtered searches interleaved ({rounds} rounds): 50% passing (ef {halfEf}) {result.HalfPassingRatio:0.00}x, "
            + $"100% passing {result.AllPassingRatio:0.00}x the unfiltered rate");
        return result;
    }
}
