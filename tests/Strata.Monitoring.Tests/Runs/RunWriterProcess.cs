using System.Diagnostics;

namespace Strata.Monitoring.Tests.Runs;

/// <summary>Starts the RunWriter helper (built next to the tests) as a separate process, as a trainer would run.</summary>
internal static class RunWriterProcess
{
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
}
