using System.Diagnostics;

namespace Strata.TestSupport.Runs;

/// <summary>
/// Starts the RunWriter helper (tests/Strata.Monitoring.RunWriter) as a separate process, as a trainer would run. A
/// test project that uses this references the RunWriter project, so its assembly lies beside the tests.
/// </summary>
public static class RunWriterProcess
{
    /// <summary>Starts <c>RunWriter ARGUMENTS</c> with standard output and error redirected.</summary>
    public static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Strata.Monitoring.RunWriter.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the run writer.");
    }

    /// <summary>Reads lines from the child until <paramref name="expected"/> arrives (or the child ends, which fails the test).</summary>
    public static async Task<List<string>> ReadUntilAsync(Process process, string expected)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (line == expected)
            {
                return lines;
            }
        }

        throw new InvalidOperationException($"The run writer ended before '{expected}': {string.Join(" | ", lines)} {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>
    /// Leaves a crashed run in <paramref name="runsFolder"/>: a child logs a run (beating every 200 ms) until killed
    /// with SIGKILL, as an out-of-memory kill would end it. Returns the run's id; readers show it as crashed once its
    /// heartbeat is stale, a couple of seconds later.
    /// </summary>
    public static async Task<string> KillWhileRunningAsync(string runsFolder)
    {
        using var child = Start(runsFolder, "forever");
        try
        {
            var lines = await ReadUntilAsync(child, "flushed");
            return lines[0];
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
    }
}
