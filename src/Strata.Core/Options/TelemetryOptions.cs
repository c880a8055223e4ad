using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Telemetry:*</c>: where traces and metrics go and what they may contain.</summary>
public sealed class TelemetryOptions : IStrataOptions<TelemetryOptions>, IValidatableObject
{
    /// <inheritdoc />
    public static string Section => "Telemetry";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, TelemetryOptions options) => section.Bind(options);

    /// <summary>Whether spans and metrics go to the local trace store (<c>strata traces</c>, <c>strata usage</c>).</summary>
    [Description("keep spans and metrics in the local trace store")]
    public bool Store { get; set; } = true;

    /// <summary>Whether traces carry prompts and completions. Off by default: content is the user's data.</summary>
    [Description("put prompts and completions into traces")]
    public bool RecordContent { get; set; }

    /// <summary>Seconds between metric exports to the local store.</summary>
    [Description("seconds between metric exports to the local store")]
    [Range(0.1, 86_400)]
    public double MetricIntervalSeconds { get; set; } = 60;

    /// <summary>An OTLP collector to export to as well.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>How much the local trace store keeps.</summary>
    public TraceRetentionOptions Retention { get; set; } = new();

    /// <summary>Prices per million tokens by model name, for <c>strata usage</c>.</summary>
    [Description("prices per million tokens: Telemetry:Prices:MODEL:InputPerMillion / OutputPerMillion")]
    public IDictionary<string, ModelPriceOptions> Prices { get; } = new Dictionary<string, ModelPriceOptions>(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Otlp.Endpoint) && !Uri.TryCreate(Otlp.Endpoint, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"'{Otlp.Endpoint}' is not an absolute URL.", ["Otlp:Endpoint"]);
        }

        if (Otlp.Protocol is not ("grpc" or "http/protobuf"))
        {
            yield return new ValidationResult($"'{Otlp.Protocol}' is not 'grpc' or 'http/protobuf'.", ["Otlp:Protocol"]);
        }
    }
}

/// <summary><c>Telemetry:Otlp:*</c>.</summary>
public sealed class OtlpOptions
{
    /// <summary>The collector's address; unset exports nothing.</summary>
    [Description("an OTLP collector to export spans and metrics to")]
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    [Description("'grpc' or 'http/protobuf'")]
    public string Protocol { get; set; } = "grpc";
}

/// <summary><c>Telemetry:Retention:*</c>.</summary>
public sealed class TraceRetentionOptions
{
    /// <summary>The most spans kept.</summary>
    [Description("most spans the local store keeps")]
    [Range(1, long.MaxValue)]
    public long MaxSpans { get; set; } = 100_000;

    /// <summary>The most metric points kept.</summary>
    [Description("most metric points the local store keeps")]
    [Range(1, long.MaxValue)]
    public long MaxMetricPoints { get; set; } = 100_000;

    /// <summary>The oldest span or metric point kept, in days.</summary>
    [Description("oldest span or metric point kept, in days")]
    [Range(0.001, 36_500)]
    public double MaxAgeDays { get; set; } = 7;
}

/// <summary>One model's prices, <c>Telemetry:Prices:MODEL:*</c>, in whatever currency the user writes them in.</summary>
public sealed class ModelPriceOptions
{
    /// <summary>Price of a million input tokens.</summary>
    [Range(0, double.MaxValue)]
    public decimal InputPerMillion { get; set; }

    /// <summary>Price of a million output tokens.</summary>
    [Range(0, double.MaxValue)]
    public decimal OutputPerMillion { get; set; }
}
