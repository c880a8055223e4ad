using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Strata.Models.Configuration;
using Strata.Monitoring.Runs;
using Strata.Monitoring.Telemetry;

namespace Strata.Monitoring;

/// <summary>Registers the Monitoring layer's services with a service collection.</summary>
public static class StrataMonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Monitoring layer: the run store (<see cref="RunStore"/>, <see cref="IRunTracker"/>), the trace store
    /// (<see cref="TraceStore"/>), and OpenTelemetry tracing and metrics for every <c>Strata.*</c> source, started by
    /// the host. Needs <see cref="StrataPaths"/> registered.
    /// </summary>
    public static IServiceCollection AddStrataMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(provider => new RunStore(provider.GetRequiredService<StrataPaths>().Runs));
        services.TryAddSingleton<IRunTracker>(provider => provider.GetRequiredService<RunStore>());
        services.TryAddSingleton(provider => new TraceStore(
            provider.GetRequiredService<StrataPaths>().TracesDatabase, TraceRetention.FromConfiguration(configuration)));
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(StrataTelemetry.SourcePattern).AddProcessor(new ApiKeyTagProcessor());
                if (StrataTelemetry.StoresLocally(configuration))
                {
                    tracing.AddProcessor(provider => StrataTelemetry.LocalStoreProcessor(provider.GetRequiredService<TraceStore>()));
                }

                StrataTelemetry.AddOtlpIfConfigured(tracing, configuration);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(StrataTelemetry.SourcePattern);
                if (StrataTelemetry.StoresLocally(configuration))
                {
                    metrics.AddReader(provider => StrataTelemetry.LocalStoreReader(provider.GetRequiredService<TraceStore>(), configuration));
                }

                StrataTelemetry.AddOtlpIfConfigured(metrics, configuration);
            });
        return services;
    }
}
