using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Data;

/// <summary>Registers the Data layer's services with a service collection.</summary>
public static class StrataDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Data layer (vector collections) to <paramref name="services"/>.
    /// The layer has no services of its own yet; composition roots call this already so that
    /// wiring does not change when it grows.
    /// </summary>
    public static IServiceCollection AddStrataData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
