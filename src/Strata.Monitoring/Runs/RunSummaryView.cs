using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Monitoring.Runs;

/// <summary>
/// A run as every surface shows it: the CLI's table and <c>--json</c>, the API's <c>/api/runs</c> and the web UI's
/// Runs pages. One shape, so a run reads the same everywhere: its status as one lowercase word, and a duration that
/// ends when the run stopped. A crashed run has no end time; its duration ends at its last heartbeat (the last moment
/// its process was known alive), not at the time of reading, which would make it look as if it were still going.
/// </summary>
/// <param name="Id">The run's id.</param>
/// <param name="Project">The project it belongs to.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Status"><c>running</c>, <c>finished</c>, <c>failed</c> or <c>crashed</c>.</param>
/// <param name="Config">The configuration and hyperparameters.</param>
/// <param name="Tags">Free-form labels.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended, if it ended normally or reported its failure; null while running and after a crash.</param>
/// <param name="HeartbeatAt">When its process last said it was alive.</param>
/// <param name="StoppedAt">When it stopped: <paramref name="EndedAt"/>, or the last heartbeat of a crashed run; null while it runs.</param>
/// <param name="Duration">From the start to <paramref name="StoppedAt"/>, or to the time of reading while it runs.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="ProcessId">The process that logged it last.</param>
/// <param name="GitCommit">The commit of the working directory's repository, when there was one.</param>
/// <param name="System">The machine's facts (OS, CPU, cores, memory, .NET).</param>
public sealed record RunSummaryView(
    string Id,
    string Project,
    string Name,
    string Status,
    JsonElement Config,
    IReadOnlyList<string> Tags,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset HeartbeatAt,
    DateTimeOffset? StoppedAt,
    [property: JsonIgnore] TimeSpan Duration,
    string Host,
    int ProcessId,
    string? GitCommit,
    JsonElement System)
{
    /// <summary>The duration in seconds (millisecond precision, as stored), for scripts reading the JSON.</summary>
    public double DurationSeconds => Math.Round(Duration.TotalSeconds, 3);

    /// <summary>The duration as the table and the web UI print it: <c>h:mm:ss</c>, with days in front past a day (<c>2.03:04:05</c>).</summary>
    public string DurationText => FormatDuration(Duration);

    /// <summary>The view of <paramref name="run"/> read now.</summary>
    public static RunSummaryView From(RunRecord run) => From(run, DateTimeOffset.UtcNow);

    /// <summary>The view of <paramref name="run"/> read at <paramref name="now"/> (which only a running run's duration depends on).</summary>
    public static RunSummaryView From(RunRecord run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stoppedAt = run.EndedAt ?? (run.Status == RunStatus.Running ? (DateTimeOffset?)null : run.HeartbeatAt);
        var duration = (stoppedAt ?? now) - run.StartedAt;
        using var config = JsonDocument.Parse(run.Config);
        using var system = JsonDocument.Parse(run.System);
        return new RunSummaryView(
            run.Id, run.Project, run.Name, StatusName(run.Status), config.RootElement.Clone(), run.Tags, run.StartedAt, run.EndedAt,
            run.HeartbeatAt, stoppedAt, duration < TimeSpan.Zero ? TimeSpan.Zero : duration, run.Host, run.ProcessId, run.GitCommit,
            system.RootElement.Clone());
    }

    /// <summary>A status as the views write it: one lowercase word.</summary>
    public static string StatusName(RunStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Formats a duration as <see cref="DurationText"/> does, whole seconds.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var seconds = TimeSpan.FromSeconds(Math.Floor(Math.Max(0, duration.TotalSeconds)));
        return seconds.ToString(seconds.Days > 0 ? @"d\.hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);
    }
}
