using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Orchestration;

/// <summary>Registers the Orchestration layer's services with a service collection.</summary>
public static class StrataOrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Orchestration layer (ingestion, retrieval and prompt services) to <paramref name="services"/>.
    /// The layer has no services of its own yet; composition roots call this already so that
    /// wiring does not change when it grows.
    /// </summary>
    public static IServiceCollection AddStrataOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
