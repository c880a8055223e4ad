using Microsoft.Extensions.Configuration;
using Strata.Monitoring.Telemetry;
using Strata.Core.Options;

namespace Strata.Monitoring.Tests.Telemetry;

public sealed class TraceStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static int _nextSpan;

    private static SpanRecord Span(DateTimeOffset start, string model = "tiny", string status = "ok", long input = 10, long output = 5,
        string? apiKey = null, double durationMs = 20, string trace = "0af7651916cd43dd8448eb211c80319c") =>
        new(trace, Interlocked.Increment(ref _nextSpan).ToString("x16", System.Globalization.CultureInfo.InvariantCulture), null,
            "Strata.Models", $"chat {model}", "client", start, durationMs, status, status == "error" ? "timeout" : null,
            "chat", model, input, output, apiKey, "{}", "[]");

    [Fact]
    public void Spans_beyond_the_count_limit_are_deleted_oldest_first()
    {
        var store = new TraceStore(_folder.Combine("traces.db"), new TraceRetention { MaxSpans = 5 });
        var now = DateTimeOffset.UtcNow;
        var spans = Enumerable.Range(0, 8).Select(i => Span(now.AddSeconds(i))).ToList();
        store.Write(spans.Take(4));
        store.Write(spans.Skip(4));

        var kept = store.List();
        Assert.Equal(spans.Skip(3).Select(s => s.SpanId).Reverse(), kept.Select(s => s.SpanId));
    }

    [Fact]
    public void Spans_older_than_the_age_limit_are_deleted()
    {
        var store = new TraceStore(_folder.Combine("traces.db"), new TraceRetention { MaxAge = TimeSpan.FromDays(1) });
        var now = DateTimeOffset.UtcNow;
        var old = Span(now.AddDays(-3));
        var recent = Span(now.AddHours(-1));
        store.Write([old, recent]);

        Assert.Equal([recent.SpanId], store.List().Select(s => s.SpanId));
        Assert.Equal(0, store.ApplyRetention(now));
        Assert.Equal(1, store.ApplyRetention(now.AddDays(2)));
        Assert.Empty(store.List());
    }

    [Fact]
    public void Listing_filters_by_model_and_start_time_and_a_trace_is_found_by_any_of_its_span_ids()
    {
        var store = new TraceStore(_folder.Combine("traces.db"));
        var now = DateTimeOffset.UtcNow;
        var early = Span(now.AddMinutes(-30), "tiny");
        var late = Span(now.AddMinutes(-1), "tiny", trace: "11111111111111111111111111111111");
        var other = Span(now.AddMinutes(-1), "minilm");
        store.Write([early, late, other]);

        Assert.Equal([late.SpanId, early.SpanId], store.List(new TraceQuery { Model = "tiny" }).Select(s => s.SpanId));
        Assert.Equal([late.SpanId], store.List(new TraceQuery { Model = "tiny", Since = now.AddMinutes(-10) }).Select(s => s.SpanId));
        Assert.Equal([early.SpanId, other.SpanId], store.Trace(other.SpanId).Select(s => s.SpanId));
        Assert.Equal([late.SpanId], store.Trace(late.TraceId).Select(s => s.SpanId));
    }

    [Fact]
    public void Usage_sums_tokens_errors_and_durations_per_model_and_key_and_prices_them()
    {
        var store = new TraceStore(_folder.Combine("traces.db"));
        var now = DateTimeOffset.UtcNow;
        store.Write([
            Span(now, "tiny", input: 100, output: 50, durationMs: 10),
            Span(now, "tiny", "error", input: 0, output: 0, durationMs: 30),
            Span(now, "tiny", input: 1000, output: 0, apiKey: "ci", durationMs: 5),
            Span(now, "free", input: 7, output: 7),
        ]);
        var prices = ModelPrices.From(StrataOptionsBinder.Bind<TelemetryOptions>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Prices:tiny:InputPerMillion"] = "2",
            ["Telemetry:Prices:tiny:OutputPerMillion"] = "10",
        }).Build()));

        var usage = store.Usage(prices);

        Assert.Equal(
            [
                new UsageRow("free", null, 1, 7, 7, 0, 20, null),
                new UsageRow("tiny", null, 2, 100, 50, 1, 20, 0.0007m),
                new UsageRow("tiny", "ci", 1, 1000, 0, 0, 5, 0.002m),
            ],
            usage);
        Assert.Equal(50 / 0.040, usage[1].OutputTokensPerSecond, 6);
    }
}
