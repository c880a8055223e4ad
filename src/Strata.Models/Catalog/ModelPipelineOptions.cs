using Strata.Core.Options;

namespace Strata.Models.Catalog;

/// <summary>
/// The middleware every model client gets, from <c>Models:*</c>. Telemetry is always on (it costs nothing without a
/// listener); message content is recorded only when enabled.
/// </summary>
public sealed record ModelPipelineOptions
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> and meter name model calls report under.</summary>
    public const string TelemetrySourceName = "Strata.Models";

    /// <summary>Whether traces carry prompts and completions (<c>Telemetry:RecordContent</c>, default false).</summary>
    public bool RecordContent { get; init; }

    /// <summary>Whether identical chat requests are answered from an in-memory cache (<c>Models:ResponseCache</c>, default false).</summary>
    public bool ResponseCache { get; init; }

    /// <summary>How many tool-calling rounds one request may take (<c>Models:MaxToolIterations</c>, default 10).</summary>
    public int MaxToolIterations { get; init; } = 10;

    /// <summary>
    /// How many answers a structured request (JSON schema, tools) may generate before it fails because none validated
    /// (<c>Models:StructuredOutputAttempts</c>, default 3).
    /// </summary>
    public int StructuredOutputAttempts { get; init; } = 3;

    /// <summary>How long a local model stays loaded without requests (<c>Models:IdleSeconds</c>, default 300).</summary>
    public TimeSpan IdleUnload { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Takes the options from the bound <c>Models</c> and <c>Telemetry</c> sections.</summary>
    public static ModelPipelineOptions From(ModelsOptions models, TelemetryOptions telemetry)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(telemetry);
        return new ModelPipelineOptions
        {
            RecordContent = telemetry.RecordContent,
            ResponseCache = models.ResponseCache,
            MaxToolIterations = models.MaxToolIterations,
            StructuredOutputAttempts = models.StructuredOutputAttempts,
            IdleUnload = TimeSpan.FromSeconds(models.IdleSeconds),
        };
    }
}
