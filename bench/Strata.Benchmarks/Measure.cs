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

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
