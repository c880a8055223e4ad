namespace Strata.Benchmarks;

/// <summary>One benchmark: measures Strata and its peer on the same workload, in turn, in the same process.</summary>
internal interface IBenchmark
{
    /// <summary>The name used on the command line.</summary>
    string Name { get; }

    /// <summary>What is compared, in one line.</summary>
    string Description { get; }

    /// <summary>Runs the comparison and returns one row per workload.</summary>
    Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken);
}

/// <summary>Settings every benchmark honours.</summary>
/// <param name="Rounds">How many alternating rounds of Strata and peer to run; medians are reported.</param>
/// <param name="Quick">Smaller workloads, for a smoke run.</param>
internal sealed record BenchmarkOptions(int Rounds, bool Quick);

/// <summary>One row of the result table. Higher is better for every unit reported.</summary>
/// <param name="Workload">What was measured.</param>
/// <param name="Unit">The unit of <paramref name="Strata"/> and <paramref name="Peer"/> (for example tokens/s).</param>
/// <param name="Strata">Strata's median.</param>
/// <param name="PeerName">What Strata is compared with.</param>
/// <param name="Peer">The peer's median.</param>
/// <param name="Target">The ratio Strata / peer the issue asks for, if any.</param>
internal sealed record BenchmarkResult(string Workload, string Unit, double Strata, string PeerName, double Peer, double? Target)
{
    public double Ratio => Peer == 0 ? double.NaN : Strata / Peer;

    public bool? MeetsTarget => Target is { } target ? Ratio >= target : null;
}
