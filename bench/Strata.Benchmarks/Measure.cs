namespace Strata.Benchmarks;

/// <summary>Alternates the two sides over several rounds and takes medians, because machines here are shared and noisy.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="strata"/> and <paramref name="peer"/> in turn for <paramref name="rounds"/> rounds; each returns a rate.</summary>
    public static async Task<(double Strata, double Peer)> AlternatingAsync(int rounds, Func<Task<double>> strata, Func<Task<double>> peer)
    {
        var strataRates = new List<double>();
        var peerRates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Swap the order every round so neither side always runs on a warmer machine.
            if (round % 2 == 0)
            {
                strataRates.Add(await strata());
                peerRates.Add(await peer());
            }
            else
            {
                peerRates.Add(await peer());
                strataRates.Add(await strata());
            }
        }

        return (Median(strataRates), Median(peerRates));
    }

    /// <summary>
    /// Runs <paramref name="round"/> until tiered compilation is done with what it calls: until a round adds fewer than 20
    /// JIT-compiled methods in this process (at least 3 rounds, at most <paramref name="maxRounds"/>). JIT work belongs
    /// to a process's first minutes, not to its rates: after one warm-up round the JIT still took half of the parent's
    /// CPU samples in the runners benchmark's measured rounds, each new method putting off the tier-up of the others.
    /// A child process (a runner, the server) sees the same calls round for round, so it settles alongside.
    /// </summary>
    /// <returns>The rounds run.</returns>
    public static async Task<int> WarmUntilJitSettlesAsync(Func<Task> round, int maxRounds)
    {
        var compiled = -1L;
        for (var rounds = 1; ; rounds++)
        {
            await round();
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (rounds >= maxRounds || (rounds >= 3 && now - compiled < 20))
            {
                return rounds;
            }

            compiled = now;
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
