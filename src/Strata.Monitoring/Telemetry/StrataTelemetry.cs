using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Strata.Core.Options;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// Strata's OpenTelemetry pipeline: spans of every <c>Strata.*</c> source (model calls included) into the local trace
/// store, and to an OTLP collector when <c>Telemetry:Otlp:Endpoint</c> is set; metrics of every <c>Strata.*</c>
/// meter to OTLP (the server adds Prometheus).
/// </summary>
public static class StrataTelemetry
{
    /// <summary>The activity sources and meters recorded: every Strata layer.</summary>
    public const string SourcePattern = "Strata.*";

    /// <summary>
    /// Builds a tracer provider for a process without a host (the command line, a trainer, a test, a benchmark): spans
    /// of every <c>Strata.*</c> source into <paramref name="store"/> (unless <c>Telemetry:Store</c> is off) and to OTLP
    /// when configured. Dispose it at exit so the last spans are written.
    /// </summary>
    public static TracerProvider CreateTracerProvider(TelemetryOptions options, TraceStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var builder = Sdk.CreateTracerProviderBuilder().AddSource(SourcePattern);
        if (options.Store)
        {
            builder.AddProcessor(LocalStoreProcessor(store));
        }

        return AddOtlpIfConfigured(builder, options).Build()!;
    }

    /// <summary>
    /// Builds a meter provider for a process without a host: metrics of every <c>Strata.*</c> meter into
    /// <paramref name="store"/> and to OTLP when configured. Dispose it at exit so the last interval is written.
    /// </summary>
    public static MeterProvider CreateMeterProvider(TelemetryOptions options, TraceStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(SourcePattern);
        if (options.Store)
        {
            builder.AddReader(LocalStoreReader(store, options));
        }

        return AddOtlpIfConfigured(builder, options).Build()!;
    }

    /// <summary>Adds the OTLP span exporter when <c>Telemetry:Otlp:Endpoint</c> is set.</summary>
    public static TracerProviderBuilder AddOtlpIfConfigured(TracerProviderBuilder builder, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return OtlpEndpoint(options) is { } endpoint
            ? builder.AddOtlpExporter(otlp => Configure(otlp, endpoint, options))
            : builder;
    }

    /// <summary>Adds the OTLP metric exporter when <c>Telemetry:Otlp:Endpoint</c> is set.</summary>
    public static MeterProviderBuilder AddOtlpIfConfigured(MeterProviderBuilder builder, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return OtlpEndpoint(options) is { } endpoint
            ? builder.AddOtlpExporter(otlp => Configure(otlp, endpoint, options))
            : builder;
    }

    internal static BaseProcessor<Activity> LocalStoreProcessor(TraceStore store) =>
        new BatchActivityExportProcessor(new SqliteTraceExporter(store));

    /// <summary>
    /// A reader exporting metrics into the local store every <c>Telemetry:MetricIntervalSeconds</c> (default 60), as
    /// deltas, so each row is one interval's change.
    /// </summary>
    public static MetricReader LocalStoreReader(TraceStore store, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var interval = TimeSpan.FromSeconds(options.MetricIntervalSeconds);
        return new PeriodicExportingMetricReader(new SqliteMetricExporter(store), (int)interval.TotalMilliseconds)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
    }

    private static Uri? OtlpEndpoint(TelemetryOptions options) =>
        options.Otlp.Endpoint is { Length: > 0 } value ? new Uri(value, UriKind.Absolute) : null;

    private static void Configure(OtlpExporterOptions otlp, Uri endpoint, TelemetryOptions options)
    {
        otlp.Endpoint = endpoint;
        // gRPC is the OTLP default (port 4317); collectors behind HTTP take http/protobuf (port 4318).
        otlp.Protocol = string.Equals(options.Otlp.Protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
    }
}
