using System.Diagnostics;
using System.Text;

namespace Strata.Benchmarks.Tests;

/// <summary>
/// Runs the real benchmark program (<c>bench/run.sh ARGS</c>, which <c>strata bench ARGS</c> runs) from this project's output
/// folder in a child process with its own STRATA_HOME.
/// </summary>
internal sealed class BenchmarkProcess : IDisposable
{
    public BenchmarkProcess() => Directory.CreateDirectory(Home);

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "strata-bench-test-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string> Environment { get; } = new();

    public async Task<Result> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Strata.Benchmarks.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A clean environment for configuration: only what the test sets reaches Strata.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("STRATA", StringComparison.Ordinal) || k.StartsWith("HF_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["STRATA_HOME"] = Home;
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the benchmark program.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        if (Directory.Exists(Home))
        {
            Directory.Delete(Home, recursive: true);
        }
    }

    internal sealed record Result(int ExitCode, string Stdout, string Stderr);
}
