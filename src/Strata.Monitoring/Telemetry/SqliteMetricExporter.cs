using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// An OpenTelemetry metric exporter writing into the local <see cref="TraceStore"/>. Use it with delta temporality
/// (<see cref="StrataTelemetry"/> does) so each row is what happened in one interval and rows can simply be summed.
/// </summary>
public sealed class SqliteMetricExporter : BaseExporter<Metric>
{
    private readonly TraceStore _store;

    /// <summary>Creates the exporter writing into <paramref name="store"/>.</summary>
    public SqliteMetricExporter(TraceStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        // Writing must not itself produce telemetry that is exported again.
        using var scope = SuppressInstrumentationScope.Begin();
        var rows = new List<MetricPointRecord>();
        foreach (var metric in batch)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (ToRecord(metric, point) is { } row)
                {
                    rows.Add(row);
                }
            }
        }

        try
        {
            _store.WriteMetrics(rows);
            return ExportResult.Success;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return ExportResult.Failure;
        }
        catch (IOException)
        {
            return ExportResult.Failure;
        }
    }

    private static MetricPointRecord? ToRecord(Metric metric, in MetricPoint point)
    {
        (string Kind, double Value, long? Count) reading = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => ("sum", point.GetSumLong(), null),
            MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => ("sum", point.GetSumDouble(), null),
            MetricType.LongGauge => ("gauge", point.GetGaugeLastValueLong(), null),
            MetricType.DoubleGauge => ("gauge", point.GetGaugeLastValueDouble(), null),
            MetricType.Histogram or MetricType.ExponentialHistogram => ("histogram", point.GetHistogramSum(), point.GetHistogramCount()),
            _ => ("unknown", double.NaN, null),
        };

        // An interval in which nothing was measured says nothing; skipping it keeps idle processes from filling the store.
        if (reading.Kind == "unknown" || (reading.Kind == "histogram" && reading.Count == 0) || (reading.Kind == "sum" && reading.Value == 0))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var tag in point.Tags)
            {
                writer.WriteString(tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        return new MetricPointRecord(point.EndTime, metric.MeterName, metric.Name, string.IsNullOrEmpty(metric.Unit) ? null : metric.Unit,
            reading.Kind, reading.Value, reading.Count, Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
