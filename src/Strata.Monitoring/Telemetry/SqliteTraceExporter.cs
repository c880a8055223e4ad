using System.Diagnostics;
using OpenTelemetry;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// An OpenTelemetry exporter that writes finished spans into the local <see cref="TraceStore"/>. Use it behind a
/// <see cref="BatchActivityExportProcessor"/> so model calls never wait on the database.
/// </summary>
public sealed class SqliteTraceExporter : BaseExporter<Activity>
{
    private readonly TraceStore _store;

    /// <summary>Creates the exporter writing into <paramref name="store"/>.</summary>
    public SqliteTraceExporter(TraceStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Activity> batch)
    {
        // Writing must not itself produce telemetry that is exported again.
        using var scope = SuppressInstrumentationScope.Begin();
        var spans = new List<SpanRecord>();
        foreach (var activity in batch)
        {
            spans.Add(SpanConversion.ToRecord(activity));
        }

        try
        {
            _store.Write(spans);
            return ExportResult.Success;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Telemetry must never take the application down; the SDK counts the failed batch.
            return ExportResult.Failure;
        }
        catch (IOException)
        {
            return ExportResult.Failure;
        }
    }
}
