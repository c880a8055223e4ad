using System.CommandLine;
using Strata.Cli.Bench;

namespace Strata.Cli.Commands;

/// <summary>
/// <c>strata bench …</c>: end-to-end benchmarks of a running stack. The benchmarks live in bench/ with their peers, so
/// this command checks the options and hands them to the benchmark program of the source checkout (<see cref="BenchmarkLauncher"/>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var server = new ServerBenchmarkCommand();
        var vectors = new VectorBenchmarkCommand();
        server.SetAction(BenchmarkLauncher.RunAsync);
        vectors.SetAction(BenchmarkLauncher.RunAsync);
        return new("bench", "Benchmark Strata end to end (server under concurrent load, vector search against its peers)") { server, vectors };
    }
}
