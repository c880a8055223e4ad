using Strata.TestSupport;

namespace Strata.Benchmarks.Tests;

/// <summary>
/// Runs the real benchmark program (<c>bench/run.sh ARGS</c>, which <c>strata bench ARGS</c> runs) from this project's output
/// folder in a child process with its own STRATA_HOME.
/// </summary>
internal sealed class BenchmarkProcess() : DotnetProgram(
    Path.Combine(AppContext.BaseDirectory, "Strata.Benchmarks.dll"), "strata-bench-test-", TimeSpan.FromMinutes(5));
