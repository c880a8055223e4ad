using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Strata.Monitoring.Telemetry;
using Strata.Core.Options;

namespace Strata.Monitoring.Tests.Telemetry;

public sealed class MetricStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Counters_and_histograms_are_stored_as_interval_deltas_with_their_tags()
    {
        var store = new TraceStore(_folder.Combine("traces.db"));
        var meterName = "Strata.Tests." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var tokens = meter.CreateCounter<long>("tokens", "{token}");
        var duration = meter.CreateHistogram<double>("duration", "s");
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meterName)
            .AddReader(StrataTelemetry.LocalStoreReader(store, new TelemetryOptions())).Build();

        tokens.Add(5, new KeyValuePair<string, object?>("model", "tiny"));
        tokens.Add(7, new KeyValuePair<string, object?>("model", "tiny"));
        duration.Record(0.5);
        duration.Record(1.5);
        provider.ForceFlush();
        tokens.Add(1, new KeyValuePair<string, object?>("model", "tiny"));
        provider.ForceFlush();

        var sums = store.MetricPoints("tokens").OrderBy(p => p.Time).ThenBy(p => p.Value).ToList();
        Assert.Equal([12.0, 1.0], sums.Select(p => p.Value));
        Assert.All(sums, p => Assert.Equal(("sum", meterName, "{token}", """{"model":"tiny"}"""), (p.Kind, p.Meter, p.Unit, p.Tags)));
        var histogram = Assert.Single(store.MetricPoints("duration"));
        Assert.Equal(("histogram", 2.0, 2L), (histogram.Kind, histogram.Value, histogram.Count));
    }

    [Fact]
    public void Metric_points_beyond_the_count_limit_are_deleted_oldest_first()
    {
        var store = new TraceStore(_folder.Combine("traces.db"), new TraceRetention { MaxMetricPoints = 3 });
        var now = DateTimeOffset.UtcNow;
        store.WriteMetrics(Enumerable.Range(0, 5).Select(i => new MetricPointRecord(now.AddSeconds(i), "m", "x", null, "sum", i, null, "{}")));

        Assert.Equal([4.0, 3.0, 2.0], store.MetricPoints("x").Select(p => p.Value));
    }
}
