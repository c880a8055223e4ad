using Strata.Core.Options;

namespace Strata.Monitoring.Telemetry;

/// <summary>How much the local trace store keeps: older or surplus spans are deleted as new ones arrive.</summary>
public sealed record TraceRetention
{
    /// <summary>The most spans kept (<c>Telemetry:Retention:MaxSpans</c>, default 100,000).</summary>
    public long MaxSpans { get; init; } = 100_000;

    /// <summary>The most metric points kept (<c>Telemetry:Retention:MaxMetricPoints</c>, default 100,000).</summary>
    public long MaxMetricPoints { get; init; } = 100_000;

    /// <summary>The oldest span or metric point kept (<c>Telemetry:Retention:MaxAgeDays</c>, default 7 days).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Takes the limits from the bound <c>Telemetry:Retention</c> section.</summary>
    public static TraceRetention From(TraceRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TraceRetention { MaxSpans = options.MaxSpans, MaxMetricPoints = options.MaxMetricPoints, MaxAge = TimeSpan.FromDays(options.MaxAgeDays) };
    }
}
