using System.Diagnostics;
using System.Text;

namespace Strata.Cli.Tests;

/// <summary>Runs the real <c>strata</c> program (the built CLI assembly) in a child process with its own STRATA_HOME.</summary>
internal sealed class StrataProcess : IDisposable
{
    public StrataProcess() => Directory.CreateDirectory(Home);

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "strata-cli-test-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string> Environment { get; } = new();

    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "strata.dll");

    public async Task<Result> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Assembly);
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

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the strata process.");
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
