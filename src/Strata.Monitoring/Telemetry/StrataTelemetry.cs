using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

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
    /// Builds a tracer provider for a process without a host (a trainer, a test, a benchmark). Dispose it at exit so the
    /// last spans are written.
    /// </summary>
    public static TracerProvider CreateTracerProvider(IConfiguration configuration, TraceStore store)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(store);
        var builder = Sdk.CreateTracerProviderBuilder().AddSource(SourcePattern)
            .AddProcessor(new BatchActivityExportProcessor(new SqliteTraceExporter(store)));
        return AddOtlpIfConfigured(builder, configuration).Build()!;
    }

    /// <summary>Adds the OTLP span exporter when <c>Telemetry:Otlp:Endpoint</c> is set.</summary>
    public static TracerProviderBuilder AddOtlpIfConfigured(TracerProviderBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return OtlpEndpoint(configuration) is { } endpoint
            ? builder.AddOtlpExporter(otlp => Configure(otlp, endpoint, configuration))
            : builder;
    }

    /// <summary>Adds the OTLP metric exporter when <c>Telemetry:Otlp:Endpoint</c> is set.</summary>
    public static MeterProviderBuilder AddOtlpIfConfigured(MeterProviderBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return OtlpEndpoint(configuration) is { } endpoint
            ? builder.AddOtlpExporter(otlp => Configure(otlp, endpoint, configuration))
            : builder;
    }

    /// <summary>Whether spans go to the local trace store (<c>Telemetry:Store</c>, default true).</summary>
    public static bool StoresLocally(IConfiguration configuration) => configuration.GetValue("Telemetry:Store", true);

    internal static BaseProcessor<Activity> LocalStoreProcessor(TraceStore store) =>
        new BatchActivityExportProcessor(new SqliteTraceExporter(store));

    /// <summary>
    /// A reader exporting metrics into the local store every <c>Telemetry:MetricIntervalSeconds</c> (default 60), as
    /// deltas, so each row is one interval's change.
    /// </summary>
    public static MetricReader LocalStoreReader(TraceStore store, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Telemetry:MetricIntervalSeconds", 60.0));
        return new PeriodicExportingMetricReader(new SqliteMetricExporter(store), (int)interval.TotalMilliseconds)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
    }

    private static Uri? OtlpEndpoint(IConfiguration configuration) =>
        configuration["Telemetry:Otlp:Endpoint"] is { Length: > 0 } value ? new Uri(value, UriKind.Absolute) : null;

    private static void Configure(OtlpExporterOptions otlp, Uri endpoint, IConfiguration configuration)
    {
        otlp.Endpoint = endpoint;
        // gRPC is the OTLP default (port 4317); collectors behind HTTP take http/protobuf (port 4318).
        otlp.Protocol = string.Equals(configuration["Telemetry:Otlp:Protocol"], "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
    }
}
