namespace Strata.Monitoring.Telemetry;

/// <summary>Which spans to list.</summary>
public sealed record TraceQuery
{
    /// <summary>Only spans of this model.</summary>
    public string? Model { get; init; }

    /// <summary>Only spans that started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The most spans returned, newest first (default 100).</summary>
    public int Limit { get; init; } = 100;
}
