using System.Diagnostics;

namespace Strata.Benchmarks.Runners;

/// <summary>
/// CPU time (user + system) of this process and, when there is one, a runner child, summed over measured runs. Wall
/// time on the shared 2-core machine moves with other people's builds; CPU time per unit of work hardly does, so it
/// says what the runner path costs where tokens/s cannot.
/// </summary>
internal sealed class ProcessCpu
{
    private TimeSpan parent;
    private TimeSpan child;
    private long units;

    /// <summary>Parent CPU milliseconds per unit measured so far.</summary>
    public double ParentPerUnit => parent.TotalMilliseconds / Math.Max(1, units);

    /// <summary>Runner CPU milliseconds per unit measured so far (0 without a runner).</summary>
    public double ChildPerUnit => child.TotalMilliseconds / Math.Max(1, units);

    /// <summary>Runs <paramref name="work"/>, which returns its rate and how many units it did, and adds both processes' CPU time.</summary>
    public async Task<double> MeasureAsync(Func<int?> childProcessId, Func<Task<(double Rate, long Units)>> work)
    {
        var pid = childProcessId();
        var parentBefore = Self();
        var childBefore = Of(pid);
        var (rate, done) = await work();
        parent += Self() - parentBefore;
        child += Of(pid) - childBefore;
        units += done;
        return rate;
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ParentPerUnit + ChildPerUnit:0.000} ms (parent {ParentPerUnit:0.000} + runner {ChildPerUnit:0.000})");

    private static TimeSpan Self()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static TimeSpan Of(int? pid)
    {
        if (pid is null)
        {
            return TimeSpan.Zero;
        }

        using var process = Process.GetProcessById(pid.Value);
        return process.TotalProcessorTime;
    }
}
