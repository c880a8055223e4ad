namespace Strata.Monitoring.Telemetry;

/// <summary>One exported metric value: a counter's or histogram's change over one export interval, or a gauge's last value.</summary>
/// <param name="Time">The end of the interval.</param>
/// <param name="Meter">The meter, e.g. <c>Strata.Models</c>.</param>
/// <param name="Name">The instrument, e.g. <c>gen_ai.client.token.usage</c>.</param>
/// <param name="Unit">Its unit, if declared.</param>
/// <param name="Kind">sum, gauge or histogram.</param>
/// <param name="Value">The sum (counters, histograms) or last value (gauges) in the interval.</param>
/// <param name="Count">How many measurements a histogram got in the interval; null for other kinds.</param>
/// <param name="Tags">The point's attributes, as a JSON object.</param>
public sealed record MetricPointRecord(DateTimeOffset Time, string Meter, string Name, string? Unit, string Kind, double Value, long? Count, string Tags);
