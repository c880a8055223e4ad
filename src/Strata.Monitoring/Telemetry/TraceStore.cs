using Microsoft.Data.Sqlite;
using Strata.Monitoring.Storage;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// The local trace store: spans in one SQLite file (normally <c>$STRATA_HOME/traces.db</c>, WAL mode) so a single
/// machine needs no collector. Each write also applies the <see cref="TraceRetention"/> limits.
/// </summary>
public sealed partial class TraceStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS spans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            trace_id TEXT NOT NULL,
            span_id TEXT NOT NULL,
            parent_span_id TEXT,
            source TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            duration_ms REAL NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            operation TEXT,
            model TEXT,
            input_tokens INTEGER,
            output_tokens INTEGER,
            api_key TEXT,
            attributes TEXT NOT NULL,
            events TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS spans_by_time ON spans (started_at);
        CREATE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_id);
        CREATE INDEX IF NOT EXISTS spans_by_model ON spans (model, started_at);
        """;

    private readonly string _connectionString;

    /// <summary>Opens (creating if needed) the trace store at <paramref name="databasePath"/>.</summary>
    public TraceStore(string databasePath, TraceRetention? retention = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _connectionString = SqliteStatements.ConnectionString(fullPath);
        Retention = retention ?? new TraceRetention();
        using var connection = Open();
        SqliteStatements.Execute(connection, "PRAGMA journal_mode=WAL;");
        SqliteStatements.Execute(connection, Schema);
        SqliteStatements.Execute(connection, MetricsSchema);
    }

    /// <summary>The limits applied on every write.</summary>
    public TraceRetention Retention { get; }

    /// <summary>Stores <paramref name="spans"/> in one transaction, then deletes what the retention limits no longer allow.</summary>
    public void Write(IEnumerable<SpanRecord> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var insert = SqliteStatements.Command(connection, """
            INSERT INTO spans (trace_id, span_id, parent_span_id, source, name, kind, started_at, duration_ms, status, error,
                operation, model, input_tokens, output_tokens, api_key, attributes, events)
            VALUES ($trace, $span, $parent, $source, $name, $kind, $start, $duration, $status, $error,
                $operation, $model, $input, $output, $key, $attributes, $events)
            """);
        insert.Transaction = transaction;
        foreach (var span in spans)
        {
            insert.Parameters.Clear();
            Bind(insert, ("$trace", span.TraceId), ("$span", span.SpanId), ("$parent", span.ParentSpanId), ("$source", span.Source),
                ("$name", span.Name), ("$kind", span.Kind), ("$start", SqliteStatements.ToUnixMs(span.StartedAt)), ("$duration", span.DurationMs),
                ("$status", span.Status), ("$error", span.Error), ("$operation", span.Operation), ("$model", span.Model),
                ("$input", span.InputTokens), ("$output", span.OutputTokens), ("$key", span.ApiKey),
                ("$attributes", span.Attributes), ("$events", span.Events));
            insert.ExecuteNonQuery();
        }

        ApplyRetention(connection, DateTimeOffset.UtcNow);
        transaction.Commit();
    }

    /// <summary>Deletes spans and metric points older than the age limit and the oldest beyond the count limits; returns how many went.</summary>
    public int ApplyRetention(DateTimeOffset now)
    {
        using var connection = Open();
        return ApplyRetention(connection, now);
    }

    private int ApplyRetention(SqliteConnection connection, DateTimeOffset now)
    {
        var cutoff = SqliteStatements.ToUnixMs(now - Retention.MaxAge);
        using var byAge = SqliteStatements.Command(connection, "DELETE FROM spans WHERE started_at < $cutoff", ("$cutoff", cutoff));
        var deleted = byAge.ExecuteNonQuery();
        // Ids only grow, so the newest MaxSpans rows are those above this bound; the primary key makes it cheap.
        using var byCount = SqliteStatements.Command(connection,
            "DELETE FROM spans WHERE id <= (SELECT MAX(id) FROM spans) - $max", ("$max", Retention.MaxSpans));
        deleted += byCount.ExecuteNonQuery();
        using var pointsByAge = SqliteStatements.Command(connection, "DELETE FROM metric_points WHERE time < $cutoff", ("$cutoff", cutoff));
        deleted += pointsByAge.ExecuteNonQuery();
        using var pointsByCount = SqliteStatements.Command(connection,
            "DELETE FROM metric_points WHERE id <= (SELECT MAX(id) FROM metric_points) - $max", ("$max", Retention.MaxMetricPoints));
        return deleted + pointsByCount.ExecuteNonQuery();
    }

    private SqliteConnection Open() => SqliteStatements.Open(_connectionString);

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
