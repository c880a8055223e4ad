namespace Strata.Monitoring.Runs;

/// <summary>One stored run, as any process reads it.</summary>
/// <param name="Id">The run's id (lowercase letters and digits).</param>
/// <param name="Project">The project the run belongs to.</param>
/// <param name="Name">The run's display name.</param>
/// <param name="Status">Its status; <see cref="RunStatus.Crashed"/> is derived when reading a dead run still marked running.</param>
/// <param name="Config">The configuration and hyperparameters, as a JSON object.</param>
/// <param name="Tags">Free-form labels.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="EndedAt">When it finished, if it did.</param>
/// <param name="HeartbeatAt">When its process last said it was alive.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="ProcessId">The process that logged it last.</param>
/// <param name="GitCommit">The commit of the working directory's repository, when there was one.</param>
/// <param name="System">The machine's facts (OS, CPU, cores, memory, .NET), as a JSON object.</param>
public sealed record RunRecord(
    string Id,
    string Project,
    string Name,
    RunStatus Status,
    string Config,
    IReadOnlyList<string> Tags,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset HeartbeatAt,
    string Host,
    int ProcessId,
    string? GitCommit,
    string System);

/// <summary>One value of a metric series.</summary>
/// <param name="Name">The metric's name, e.g. <c>loss</c>.</param>
/// <param name="Step">The training step (or any increasing index) it belongs to.</param>
/// <param name="Value">The value.</param>
/// <param name="WallTime">When it was logged.</param>
public sealed record MetricPoint(string Name, long Step, double Value, DateTimeOffset WallTime);

/// <summary>A metric series in a few numbers.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Count">How many points were logged.</param>
/// <param name="LastStep">The step of the last point.</param>
/// <param name="Last">The value at the last step.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
public sealed record MetricSummary(string Name, long Count, long LastStep, double Last, double Min, double Max);

/// <summary>A file kept with a run.</summary>
/// <param name="Name">The artifact's name within the run (unique; logging the same name again replaces it).</param>
/// <param name="Kind">What it is: <c>image</c>, <c>checkpoint</c>, <c>report</c>, <c>file</c>…</param>
/// <param name="Digest">The SHA-256 of its content, lowercase hex; the blob's file name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="CreatedAt">When it was logged.</param>
/// <param name="Path">Where its content lies on disk.</param>
public sealed record ArtifactRecord(string Name, string Kind, string Digest, long Size, DateTimeOffset CreatedAt, string Path);
