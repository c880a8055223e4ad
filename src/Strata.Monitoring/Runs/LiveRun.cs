using Microsoft.Data.Sqlite;
using Strata.Monitoring.Storage;

namespace Strata.Monitoring.Runs;

/// <summary>
/// A run being logged by this process. Metric points collect in memory and are written in one transaction per batch
/// (when the batch fills, on every heartbeat, on <see cref="Flush"/> and at the end), because one SQLite commit per
/// point would cap logging at a few thousand points a second.
/// </summary>
internal sealed class LiveRun : IRun
{
    private readonly RunStore _store;
    private readonly Lock _gate = new();
    private readonly Timer _heartbeat;
    private List<MetricPoint> _pending = [];
    private bool _finished;

    public LiveRun(RunStore store, string id)
    {
        _store = store;
        Id = id;
        var interval = store.Options.HeartbeatInterval;
        _heartbeat = new Timer(_ => Beat(), null, interval, interval);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Id { get; }

    public void Log(string name, double value, long step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            ThrowIfFinished();
            _pending.Add(new MetricPoint(name, step, value, now));
            if (_pending.Count >= _store.Options.MetricBatchSize)
            {
                WritePending();
            }
        }
    }

    public void Log(IReadOnlyDictionary<string, double> values, long step)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, value) in values)
        {
            Log(name, value, step);
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            WritePending();
        }
    }

    public ArtifactRecord LogArtifact(string filePath, string? name = null, string kind = "file")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        using var file = File.OpenRead(filePath);
        return LogArtifact(file, name ?? Path.GetFileName(filePath), kind);
    }

    public ArtifactRecord LogArtifact(Stream content, string name, string kind = "file")
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var folder = _store.RunFolder(Id);
        var (digest, size) = ArtifactBlobs.Store(folder, content);
        var now = DateTimeOffset.UtcNow;
        using var connection = _store.Database.Open();
        SqliteStatements.Execute(connection, """
            INSERT INTO artifacts (run_id, name, kind, digest, size, created_at) VALUES ($id, $name, $kind, $digest, $size, $now)
            ON CONFLICT (run_id, name) DO UPDATE SET kind = excluded.kind, digest = excluded.digest, size = excluded.size, created_at = excluded.created_at
            """, ("$id", Id), ("$name", name), ("$kind", kind), ("$digest", digest), ("$size", size), ("$now", SqliteStatements.ToUnixMs(now)));
        return new ArtifactRecord(name, kind, digest, size, now, ArtifactBlobs.PathOf(folder, digest));
    }

    public void Finish(RunStatus status = RunStatus.Finished)
    {
        if (status is not (RunStatus.Finished or RunStatus.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run finishes as finished or failed.");
        }

        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _heartbeat.Dispose();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            WritePending();
            using var connection = _store.Database.Open();
            SqliteStatements.Execute(connection, "UPDATE runs SET status = $status, ended_at = $now, heartbeat_at = $now WHERE id = $id",
                ("$id", Id), ("$status", status.ToString().ToLowerInvariant()), ("$now", SqliteStatements.ToUnixMs(DateTimeOffset.UtcNow)));
            _finished = true;
        }
    }

    public void Dispose() => Finish(RunStatus.Failed);

    // A program that returns without finishing its run still gets its buffered points written, and the run ends as
    // failed at once instead of turning "crashed" a few heartbeats later.
    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            Finish(RunStatus.Failed);
        }
        catch (SqliteException)
        {
            // The process is ending anyway; readers will see the run as crashed once its heartbeat is stale.
        }
        catch (IOException)
        {
        }
    }

    private void Beat()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            try
            {
                WritePending();
                using var connection = _store.Database.Open();
                SqliteStatements.Execute(connection, "UPDATE runs SET heartbeat_at = $now WHERE id = $id",
                    ("$id", Id), ("$now", SqliteStatements.ToUnixMs(DateTimeOffset.UtcNow)));
            }
            catch (SqliteException)
            {
                // A busy or briefly unavailable database must not kill the training process from a timer thread;
                // the next beat (or Flush) tries again with the same points.
            }
        }
    }

    private void WritePending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        using var connection = _store.Database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO metrics (run_id, name, step, value, wall_time) VALUES ($id, $name, $step, $value, $time)";
        insert.Parameters.AddWithValue("$id", Id);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var step = insert.Parameters.Add("$step", SqliteType.Integer);
        var value = insert.Parameters.Add("$value", SqliteType.Real);
        var time = insert.Parameters.Add("$time", SqliteType.Integer);
        insert.Prepare();
        foreach (var point in _pending)
        {
            name.Value = point.Name;
            step.Value = point.Step;
            value.Value = double.IsNaN(point.Value) ? DBNull.Value : point.Value;
            time.Value = SqliteStatements.ToUnixMs(point.WallTime);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        // Cleared only after the commit, so a failed write keeps the points for the next attempt.
        _pending = [];
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException($"Run {Id} is finished; resume it to log more.");
        }
    }
}
