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
    /// Adds the Monitoring layer: the run store (<see cref="RunStore"/>, <see cref="IRunTracker"/>), the trace store
    /// (<see cref="TraceStore"/>), usage prices, and OpenTelemetry tracing and metrics for every <c>Strata.*</c> source.
    /// A host starts them itself; a process without a host (the command line) resolves <see cref="TracerProvider"/> and
    /// <see cref="MeterProvider"/> once and disposes the container at exit, which flushes what was recorded.
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
        var telemetry = services.GetStrataOptions<TelemetryOptions>();
        services.TryAddSingleton(provider => new RunStore(provider.GetRequiredService<StrataPaths>().Runs));
        services.TryAddSingleton<IRunTracker>(provider => provider.GetRequiredService<RunStore>());
        services.TryAddSingleton(provider => new TraceStore(
            provider.GetRequiredService<StrataPaths>().TracesDatabase, TraceRetention.From(provider.GetRequiredService<TelemetryOptions>().Retention)));
        services.TryAddSingleton(provider => ModelPrices.From(provider.GetRequiredService<TelemetryOptions>()));
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
