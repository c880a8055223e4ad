using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Monitoring;

/// <summary>Registers the Monitoring layer's services with a service collection.</summary>
public static class StrataMonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Monitoring layer (telemetry and experiment tracking) to <paramref name="services"/>.
    /// The layer has no services of its own yet; composition roots call this already so that
    /// wiring does not change when it grows.
    /// </summary>
    public static IServiceCollection AddStrataMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
