using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Synthesis;

/// <summary>Registers the Synthesis layer's services with a service collection.</summary>
public static class StrataSynthesisServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Synthesis layer (image datasets, trainers and samplers) to <paramref name="services"/>.
    /// The layer has no services of its own yet; composition roots call this already so that
    /// wiring does not change when it grows.
    /// </summary>
    public static IServiceCollection AddStrataSynthesis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
