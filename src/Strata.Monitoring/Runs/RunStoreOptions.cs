namespace Strata.Monitoring.Runs;

/// <summary>How live runs write.</summary>
public sealed record RunStoreOptions
{
    /// <summary>How often a live run marks itself alive and writes buffered metrics (default 10 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many buffered metric points trigger a write (default 5,000).</summary>
    public int MetricBatchSize { get; init; } = 5_000;
}
