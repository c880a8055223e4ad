using Strata.Monitoring.Storage;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Strata.Monitoring.Runs;

/// <summary>Reading runs: listing, one run, its metric series, summaries and artifacts.</summary>
public sealed partial class RunStore
{
    private const string RunColumns = "id, project, name, status, config, tags, started_at, ended_at, heartbeat_at, heartbeat_ms, host, pid, pid_start, git_commit, system";

    /// <summary>Runs, newest first, optionally of one project only.</summary>
    public IReadOnlyList<RunRecord> List(string? project = null)
    {
        using var connection = Database.Open();
        using var command = SqliteStatements.Command(connection,
            $"SELECT {RunColumns} FROM runs WHERE $project IS NULL OR project = $project ORDER BY started_at DESC, id",
            ("$project", project));
        return ReadRuns(command);
    }

    /// <summary>One run.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    public RunRecord Get(string runId)
    {
        if (!RunIds.IsValid(runId))
        {
            throw new RunNotFoundException(runId);
        }

        using var connection = Database.Open();
        using var command = SqliteStatements.Command(connection, $"SELECT {RunColumns} FROM runs WHERE id = $id", ("$id", runId));
        return ReadRuns(command).SingleOrDefault() ?? throw new RunNotFoundException(runId);
    }

    /// <summary>The points of one metric series in step order.</summary>
    public IReadOnlyList<MetricPoint> Metrics(string runId, string name)
    {
        using var connection = Database.Open();
        using var command = SqliteStatements.Command(connection,
            "SELECT step, value, wall_time FROM metrics WHERE run_id = $id AND name = $name ORDER BY step, rowid",
            ("$id", runId), ("$name", name));
        using var reader = command.ExecuteReader();
        var points = new List<MetricPoint>();
        while (reader.Read())
        {
            points.Add(new MetricPoint(name, reader.GetInt64(0), ReadValue(reader, 1), SqliteStatements.FromUnixMs(reader.GetInt64(2))));
        }

        return points;
    }

    /// <summary>Every metric series of a run in a few numbers (last, min, max), by name.</summary>
    public IReadOnlyList<MetricSummary> Summaries(string runId)
    {
        using var connection = Database.Open();
        // The last point is the one with the highest step; among equal steps, the one written last.
        using var command = SqliteStatements.Command(connection, """
            SELECT m.name, COUNT(*), MAX(m.step), MIN(m.value), MAX(m.value),
                (SELECT l.value FROM metrics l WHERE l.run_id = m.run_id AND l.name = m.name ORDER BY l.step DESC, l.rowid DESC LIMIT 1)
            FROM metrics m WHERE m.run_id = $id GROUP BY m.name ORDER BY m.name
            """, ("$id", runId));
        using var reader = command.ExecuteReader();
        var summaries = new List<MetricSummary>();
        while (reader.Read())
        {
            summaries.Add(new MetricSummary(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                ReadValue(reader, 5), ReadValue(reader, 3), ReadValue(reader, 4)));
        }

        return summaries;
    }

    /// <summary>A run's artifacts, by name.</summary>
    public IReadOnlyList<ArtifactRecord> Artifacts(string runId)
    {
        using var connection = Database.Open();
        using var command = SqliteStatements.Command(connection,
            "SELECT name, kind, digest, size, created_at FROM artifacts WHERE run_id = $id ORDER BY name", ("$id", runId));
        using var reader = command.ExecuteReader();
        var artifacts = new List<ArtifactRecord>();
        while (reader.Read())
        {
            var digest = reader.GetString(2);
            artifacts.Add(new ArtifactRecord(reader.GetString(0), reader.GetString(1), digest, reader.GetInt64(3),
                SqliteStatements.FromUnixMs(reader.GetInt64(4)), ArtifactBlobs.PathOf(RunFolder(runId), digest)));
        }

        return artifacts;
    }

    // SQLite stores NaN as NULL; a diverged loss must read back as NaN, not vanish.
    private static double ReadValue(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    private static List<RunRecord> ReadRuns(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        var now = DateTimeOffset.UtcNow;
        while (reader.Read())
        {
            var status = Enum.Parse<RunStatus>(reader.GetString(3), ignoreCase: true);
            var heartbeat = SqliteStatements.FromUnixMs(reader.GetInt64(8));
            var host = reader.GetString(10);
            var pid = reader.GetInt32(11);
            if (status == RunStatus.Running
                && RunLiveness.IsCrashed(heartbeat, TimeSpan.FromMilliseconds(reader.GetInt64(9)), host, pid, reader.GetInt64(12), now))
            {
                status = RunStatus.Crashed;
            }

            runs.Add(new RunRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), status, reader.GetString(4),
                JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [],
                SqliteStatements.FromUnixMs(reader.GetInt64(6)), reader.IsDBNull(7) ? null : SqliteStatements.FromUnixMs(reader.GetInt64(7)),
                heartbeat, host, pid, reader.IsDBNull(13) ? null : reader.GetString(13), reader.GetString(14)));
        }

        return runs;
    }
}
