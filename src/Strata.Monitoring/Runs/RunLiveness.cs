using System.Diagnostics;

namespace Strata.Monitoring.Runs;

/// <summary>
/// Decides whether a run still marked running is alive. A killed process cannot mark its run, so readers derive
/// <see cref="RunStatus.Crashed"/>: the heartbeat is stale (several intervals missed) and the process is gone. On
/// another host the process cannot be checked, so a stale heartbeat is enough.
/// </summary>
internal static class RunLiveness
{
    /// <summary>How many heartbeat intervals may pass before a heartbeat counts as stale.</summary>
    public const int MissedBeats = 3;

    public static bool IsCrashed(DateTimeOffset heartbeatAt, TimeSpan heartbeatInterval, string host, int processId, long processStartTicks, DateTimeOffset now)
    {
        var stale = now - heartbeatAt > (heartbeatInterval * MissedBeats) + TimeSpan.FromSeconds(1);
        if (!stale)
        {
            return false;
        }

        return !string.Equals(host, Environment.MachineName, StringComparison.Ordinal) || !IsSameProcessAlive(processId, processStartTicks);
    }

    /// <summary>The start time of the current process, recorded so a reused process id is not taken for the run's process.</summary>
    public static long CurrentProcessStartTicks()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime().Ticks;
    }

    private static bool IsSameProcessAlive(int processId, long processStartTicks)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            // Start times are derived from boot time and can differ by a tick between readers; a reused id differs by far more.
            return !process.HasExited && Math.Abs(process.StartTime.ToUniversalTime().Ticks - processStartTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not allowed to inspect it: it exists, so it is alive.
            return true;
        }
    }
}
