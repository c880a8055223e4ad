using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Models.Configuration;
using Strata.Models.Store;

namespace Strata.Models;

/// <summary>Registers the model layer's services with a service collection.</summary>
public static class StrataModelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the model layer: <see cref="StrataPaths"/> (from <c>STRATA_HOME</c> unless already registered) and the <see cref="ModelStore"/>.
    /// </summary>
    public static IServiceCollection AddStrataModels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(_ => StrataPaths.FromEnvironment());
        services.TryAddSingleton(configuration);
        services.TryAddSingleton(provider => new ModelStore(provider.GetRequiredService<StrataPaths>()));
        return services;
    }
}
