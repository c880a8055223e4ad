using Microsoft.Data.Sqlite;
using Strata.Monitoring.Storage;

namespace Strata.Monitoring.Telemetry;

/// <summary>Reading the trace store: listing, one trace, usage.</summary>
public sealed partial class TraceStore
{
    private const string SpanColumns = """
        trace_id, span_id, parent_span_id, source, name, kind, started_at, duration_ms, status, error,
        operation, model, input_tokens, output_tokens, api_key, attributes, events
        """;

    /// <summary>Spans matching <paramref name="query"/>, newest first.</summary>
    public IReadOnlyList<SpanRecord> List(TraceQuery? query = null)
    {
        query ??= new TraceQuery();
        using var connection = Open();
        using var command = SqliteStatements.Command(connection, $"""
            SELECT {SpanColumns} FROM spans
            WHERE ($model IS NULL OR model = $model) AND ($since IS NULL OR started_at >= $since)
            ORDER BY started_at DESC, id DESC LIMIT $limit
            """,
            ("$model", query.Model), ("$since", query.Since is { } since ? SqliteStatements.ToUnixMs(since) : null), ("$limit", query.Limit));
        return ReadSpans(command);
    }

    /// <summary>Every span of the trace that <paramref name="id"/> names (a trace id, or the id of one of its spans), in start order.</summary>
    public IReadOnlyList<SpanRecord> Trace(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var connection = Open();
        using var command = SqliteStatements.Command(connection, $"""
            SELECT {SpanColumns} FROM spans
            WHERE trace_id = (SELECT trace_id FROM spans WHERE trace_id = $id OR span_id = $id LIMIT 1)
            ORDER BY started_at, id
            """, ("$id", id.ToLowerInvariant()));
        return ReadSpans(command);
    }

    /// <summary>Model calls summed per model and API key, with cost where <paramref name="prices"/> has the model.</summary>
    public IReadOnlyList<UsageRow> Usage(ModelPrices? prices = null, DateTimeOffset? since = null)
    {
        using var connection = Open();
        using var command = SqliteStatements.Command(connection, """
            SELECT model, api_key, COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END), AVG(duration_ms)
            FROM spans WHERE operation IS NOT NULL AND model IS NOT NULL AND ($since IS NULL OR started_at >= $since)
            GROUP BY model, api_key ORDER BY model, api_key
            """, ("$since", since is { } s ? SqliteStatements.ToUnixMs(s) : null));
        using var reader = command.ExecuteReader();
        var rows = new List<UsageRow>();
        while (reader.Read())
        {
            var model = reader.GetString(0);
            var input = reader.GetInt64(3);
            var output = reader.GetInt64(4);
            rows.Add(new UsageRow(model, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), input, output,
                reader.GetInt64(5), reader.GetDouble(6), prices?.Cost(model, input, output)));
        }

        return rows;
    }

    private static List<SpanRecord> ReadSpans(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var spans = new List<SpanRecord>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long? Number(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            spans.Add(new SpanRecord(reader.GetString(0), reader.GetString(1), Text(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), SqliteStatements.FromUnixMs(reader.GetInt64(6)), reader.GetDouble(7), reader.GetString(8), Text(9),
                Text(10), Text(11), Number(12), Number(13), Text(14), reader.GetString(15), reader.GetString(16)));
        }

        return spans;
    }
}
