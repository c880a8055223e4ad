namespace Strata.Monitoring.Runs;

/// <summary>Where a run stands.</summary>
public enum RunStatus
{
    /// <summary>The run's process is alive and logging (its heartbeat is fresh).</summary>
    Running,

    /// <summary>The run ended normally.</summary>
    Finished,

    /// <summary>The run ended with an error it reported itself.</summary>
    Failed,

    /// <summary>The run's process died without finishing it: its heartbeat is stale and its process is gone.</summary>
    Crashed,
}
