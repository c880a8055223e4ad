using Strata.Monitoring.Storage;

namespace Strata.Monitoring.Telemetry;

/// <summary>Metric points kept beside the spans, under the same retention.</summary>
public sealed partial class TraceStore
{
    private const string MetricsSchema = """
        CREATE TABLE IF NOT EXISTS metric_points (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time INTEGER NOT NULL,
            meter TEXT NOT NULL,
            name TEXT NOT NULL,
            unit TEXT,
            kind TEXT NOT NULL,
            value REAL,
            count INTEGER,
            tags TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS metric_points_by_name ON metric_points (name, time);
        CREATE INDEX IF NOT EXISTS metric_points_by_time ON metric_points (time);
        """;

    /// <summary>Stores metric points in one transaction, then applies the retention limits.</summary>
    public void WriteMetrics(IEnumerable<MetricPointRecord> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var point in points)
        {
            SqliteStatements.Execute(connection, """
                INSERT INTO metric_points (time, meter, name, unit, kind, value, count, tags)
                VALUES ($time, $meter, $name, $unit, $kind, $value, $count, $tags)
                """,
                ("$time", SqliteStatements.ToUnixMs(point.Time)), ("$meter", point.Meter), ("$name", point.Name), ("$unit", point.Unit),
                ("$kind", point.Kind), ("$value", double.IsNaN(point.Value) ? null : point.Value), ("$count", point.Count), ("$tags", point.Tags));
        }

        ApplyRetention(connection, DateTimeOffset.UtcNow);
        transaction.Commit();
    }

    /// <summary>Metric points, newest first, optionally of one instrument and since a time.</summary>
    public IReadOnlyList<MetricPointRecord> MetricPoints(string? name = null, DateTimeOffset? since = null, int limit = 1000)
    {
        using var connection = Open();
        using var command = SqliteStatements.Command(connection, """
            SELECT time, meter, name, unit, kind, value, count, tags FROM metric_points
            WHERE ($name IS NULL OR name = $name) AND ($since IS NULL OR time >= $since)
            ORDER BY time DESC, id DESC LIMIT $limit
            """, ("$name", name), ("$since", since is { } s ? SqliteStatements.ToUnixMs(s) : null), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var points = new List<MetricPointRecord>();
        while (reader.Read())
        {
            points.Add(new MetricPointRecord(SqliteStatements.FromUnixMs(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.GetString(7)));
        }

        return points;
    }
}
