using System.Diagnostics;
using System.Text;

namespace Strata.TestSupport;

/// <summary>What a finished child program printed and returned.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
public sealed record ProgramResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// A real .NET program (the strata CLI, the benchmark program) run by <c>dotnet</c> in a child process with its own
/// STRATA_HOME, deleted on dispose. Only the variables a test sets reach its configuration: inherited <c>STRATA*</c>
/// and <c>HF_*</c> variables are removed.
/// </summary>
public class DotnetProgram : IDisposable
{
    private readonly string assembly;
    private readonly TimeSpan timeout;

    /// <summary>Prepares <paramref name="assembly"/> with a fresh home named <paramref name="homePrefix"/> plus a random suffix.</summary>
    /// <param name="assembly">The program's assembly.</param>
    /// <param name="homePrefix">The start of the home folder's name.</param>
    /// <param name="timeout">How long <see cref="RunAsync"/> waits before it kills the program and throws.</param>
    public DotnetProgram(string assembly, string homePrefix, TimeSpan timeout)
    {
        this.assembly = assembly;
        this.timeout = timeout;
        Home = Path.Combine(Path.GetTempPath(), homePrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Home);
    }

    /// <summary>The program's STRATA_HOME.</summary>
    public string Home { get; }

    /// <summary>Environment variables the program gets, after the inherited Strata ones are removed.</summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>Runs the program to its end and returns what it printed.</summary>
    /// <exception cref="OperationCanceledException">It ran longer than the timeout (it is killed first).</exception>
    public async Task<ProgramResult> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProgramResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the program with standard input, output and error redirected; the caller reads and waits.</summary>
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
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("STRATA", StringComparison.Ordinal) || k.StartsWith("HF_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["STRATA_HOME"] = Home;
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Path.GetFileName(assembly)}.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the home folder.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Home))
        {
            Directory.Delete(Home, recursive: true);
        }
    }
}
