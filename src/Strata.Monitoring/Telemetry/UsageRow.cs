namespace Strata.Monitoring.Telemetry;

/// <summary>What one model (and, when the server tagged it, one API key) was used for.</summary>
/// <param name="Model">The model.</param>
/// <param name="ApiKey">The API key's id, or null for calls without one.</param>
/// <param name="Requests">Model calls.</param>
/// <param name="InputTokens">Prompt tokens in total.</param>
/// <param name="OutputTokens">Completion tokens in total.</param>
/// <param name="Errors">Calls that failed.</param>
/// <param name="MeanDurationMs">Mean call duration in milliseconds.</param>
/// <param name="Cost">The cost from the configured price table, or null when the model has no price.</param>
public sealed record UsageRow(string Model, string? ApiKey, long Requests, long InputTokens, long OutputTokens, long Errors, double MeanDurationMs, decimal? Cost)
{
    /// <summary>Output tokens per second of call time (prompt processing included), or 0 without calls.</summary>
    public double OutputTokensPerSecond => Requests == 0 || MeanDurationMs <= 0 ? 0 : OutputTokens / (Requests * MeanDurationMs / 1000);
}
