using Strata.Monitoring.Storage;
using System.Text.Json;
using Strata.Core.Diagnostics;

namespace Strata.Monitoring.Runs;

/// <summary>
/// Experiment runs under one folder (normally <c>$STRATA_HOME/runs</c>): the <c>runs.db</c> SQLite database (runs,
/// metrics, artifacts) and one folder per run holding its artifact blobs, named by their SHA-256. Any number of
/// processes may open the same folder; each sees the others' runs.
/// </summary>
public sealed partial class RunStore : IRunTracker
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Opens (creating if needed) the run store in <paramref name="folder"/>.</summary>
    public RunStore(string folder, RunStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Database = new RunsDatabase(Path.GetFullPath(folder));
        Options = options ?? new RunStoreOptions();
    }

    /// <summary>The settings live runs use.</summary>
    public RunStoreOptions Options { get; }

    internal RunsDatabase Database { get; }

    /// <inheritdoc/>
    public IRun Start(RunStartOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Project);
        var id = RunIds.New();
        var now = DateTimeOffset.UtcNow;
        using var connection = Database.Open();
        SqliteStatements.Execute(connection, """
            INSERT INTO runs (id, project, name, status, config, tags, started_at, heartbeat_at, heartbeat_ms, host, pid, pid_start, git_commit, system)
            VALUES ($id, $project, $name, 'running', $config, $tags, $now, $now, $beat, $host, $pid, $pidStart, $git, $system)
            """,
            ("$id", id), ("$project", options.Project), ("$name", options.Name ?? $"{options.Project}-{id}"),
            ("$config", JsonSerializer.Serialize(options.Config ?? new Dictionary<string, object>(), Json)),
            ("$tags", JsonSerializer.Serialize(options.Tags, Json)), ("$now", SqliteStatements.ToUnixMs(now)),
            ("$beat", (long)Options.HeartbeatInterval.TotalMilliseconds), ("$host", Environment.MachineName),
            ("$pid", Environment.ProcessId), ("$pidStart", RunLiveness.CurrentProcessStartTicks()),
            ("$git", GitCommitReader.Read(Environment.CurrentDirectory)),
            ("$system", JsonSerializer.Serialize(SystemReport.Read(), Json)));
        return new LiveRun(this, id);
    }

    /// <inheritdoc/>
    public IRun Resume(string runId, long? rewindToStep = null)
    {
        // Two live writers of one run would interleave steps and fight over its heartbeat.
        var current = Get(runId);
        if (current.Status == RunStatus.Running)
        {
            throw new InvalidOperationException($"Run {runId} is still running (process {current.ProcessId} on {current.Host}); it can be resumed once it has ended.");
        }

        using var connection = Database.Open();
        using var transaction = connection.BeginTransaction();
        var changed = SqliteStatements.Command(connection, """
            UPDATE runs SET status = 'running', ended_at = NULL, heartbeat_at = $now, heartbeat_ms = $beat,
                host = $host, pid = $pid, pid_start = $pidStart
            WHERE id = $id
            """,
            ("$id", runId), ("$now", SqliteStatements.ToUnixMs(DateTimeOffset.UtcNow)), ("$beat", (long)Options.HeartbeatInterval.TotalMilliseconds),
            ("$host", Environment.MachineName), ("$pid", Environment.ProcessId), ("$pidStart", RunLiveness.CurrentProcessStartTicks()));
        using (changed)
        {
            changed.Transaction = transaction;
            if (changed.ExecuteNonQuery() == 0)
            {
                throw new RunNotFoundException(runId);
            }
        }

        if (rewindToStep is { } step)
        {
            using var rewind = SqliteStatements.Command(connection, "DELETE FROM metrics WHERE run_id = $id AND step > $step", ("$id", runId), ("$step", step));
            rewind.Transaction = transaction;
            rewind.ExecuteNonQuery();
        }

        transaction.Commit();
        return new LiveRun(this, runId);
    }

    /// <summary>Removes a run, its metrics, artifacts and blobs. Returns false when there was no such run.</summary>
    public bool Remove(string runId)
    {
        RunIds.Validate(runId);
        using var connection = Database.Open();
        using var transaction = connection.BeginTransaction();
        SqliteStatements.Execute(connection, "DELETE FROM metrics WHERE run_id = $id", ("$id", runId));
        SqliteStatements.Execute(connection, "DELETE FROM artifacts WHERE run_id = $id", ("$id", runId));
        using var delete = SqliteStatements.Command(connection, "DELETE FROM runs WHERE id = $id", ("$id", runId));
        var removed = delete.ExecuteNonQuery() > 0;
        transaction.Commit();
        var folder = RunFolder(runId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return removed;
    }

    /// <summary>The folder holding <paramref name="runId"/>'s artifact blobs.</summary>
    internal string RunFolder(string runId) => Path.Combine(Database.Folder, RunIds.Validate(runId));
}
