using System.Text.RegularExpressions;
using Strata.Monitoring.Runs;

namespace Strata.Synthesis.Evaluation;

/// <summary>
/// Logs evaluation scores into the tracked run that trained the model, at the model's training step, as metrics
/// named <c>eval/&lt;metric&gt;</c> (e.g. <c>eval/fid-resnet18</c>, <c>eval/kid-resnet18</c>), so they show in
/// <c>strata runs show</c> next to the losses. The run is resumed for the write and finished again with its old status.
/// </summary>
public static partial class EvaluationRunLog
{
    /// <summary>Logs <paramref name="results"/> (and any <paramref name="extra"/> values) to run <paramref name="runId"/> at <paramref name="step"/>; returns the metric names written.</summary>
    public static IReadOnlyList<string> Log(RunStore runs, string runId, long step, IEnumerable<FidResult> results, IReadOnlyDictionary<string, double>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(results);
        var values = new Dictionary<string, double>();
        foreach (var result in results)
        {
            var name = Slug(result.Metric);
            values[$"eval/{name}"] = result.Score;
            if (result.Kid is { } kid)
            {
                values[$"eval/{name.Replace("fid-", "kid-", StringComparison.Ordinal)}"] = kid;
            }

            values["eval/samples"] = result.Samples;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, double>())
        {
            values[$"eval/{Slug(key)}"] = value;
        }

        var previous = runs.Get(runId).Status;
        using var run = runs.Resume(runId);
        run.Log(values, step);
        run.Finish(previous == RunStatus.Finished ? RunStatus.Finished : RunStatus.Failed);
        return [.. values.Keys];
    }

    private static string Slug(string metric) => NonSlug().Replace(metric.ToLowerInvariant(), "-");

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NonSlug();
}
