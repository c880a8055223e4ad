using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Strata.Core;
using Strata.Core.Options;
using Strata.Monitoring.Runs;
using Strata.Monitoring.Telemetry;

namespace Strata.Monitoring;

/// <summary>Registers the Monitoring layer's services with a service collection.</summary>
public static class StrataMonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Monitoring layer's stores: runs (<see cref="RunStore"/>, <see cref="IRunTracker"/>), traces
    /// (<see cref="TraceStore"/>) and usage prices. Recording spans and metrics is <see cref="AddStrataTelemetry"/>'s
    /// job, for a host; a process without one starts <see cref="StrataTelemetry.CreateTracerProvider"/> and
    /// <see cref="StrataTelemetry.CreateMeterProvider"/> itself when it first needs them.
    /// </summary>
    public static IServiceCollection AddStrataMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<RunStore>(nameof(AddStrataMonitoring)))
        {
            return services;
        }

        services.AddStrataCore(configuration);
        services.TryAddSingleton(provider => new RunStore(provider.GetRequiredService<StrataPaths>().Runs));
        services.TryAddSingleton<IRunTracker>(provider => provider.GetRequiredService<RunStore>());
        services.TryAddSingleton(provider => new TraceStore(
            provider.GetRequiredService<StrataPaths>().TracesDatabase, TraceRetention.From(provider.GetRequiredService<TelemetryOptions>().Retention)));
        services.TryAddSingleton(provider => ModelPrices.From(provider.GetRequiredService<TelemetryOptions>()));
        return services;
    }

    /// <summary>
    /// Adds OpenTelemetry tracing and metrics for every <c>Strata.*</c> source, into the local trace store
    /// (<c>Telemetry:Store</c>) and to OTLP when configured, started by the host (the server).
    /// </summary>
    public static IServiceCollection AddStrataTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<TraceStore>(nameof(AddStrataTelemetry)))
        {
            return services;
        }

        services.AddStrataMonitoring(configuration);
        var telemetry = services.GetStrataOptions<TelemetryOptions>();
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(StrataTelemetry.SourcePattern).AddProcessor(new ApiKeyTagProcessor());
                if (telemetry.Store)
                {
                    tracing.AddProcessor(provider => StrataTelemetry.LocalStoreProcessor(provider.GetRequiredService<TraceStore>()));
                }

                StrataTelemetry.AddOtlpIfConfigured(tracing, telemetry);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(StrataTelemetry.SourcePattern);
                if (telemetry.Store)
                {
                    metrics.AddReader(provider => StrataTelemetry.LocalStoreReader(provider.GetRequiredService<TraceStore>(), telemetry));
                }

                StrataTelemetry.AddOtlpIfConfigured(metrics, telemetry);
            });
        return services;
    }
}
