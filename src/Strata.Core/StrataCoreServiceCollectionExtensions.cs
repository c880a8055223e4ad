using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Core.Options;

namespace Strata.Core;

/// <summary>Registers what every layer shares: the configuration, <see cref="StrataPaths"/> and every options section, bound and validated now.</summary>
public static class StrataCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <paramref name="configuration"/>, <see cref="StrataPaths"/> (from <c>STRATA_HOME</c> unless already
    /// registered) and the options of every section (<see cref="StrataOptionSections"/>). Safe to call from every
    /// layer's <c>AddStrataX</c>: what is registered already is kept.
    /// </summary>
    /// <exception cref="Errors.StrataConfigurationException">A configuration value is invalid; the message names its key.</exception>
    public static IServiceCollection AddStrataCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<StrataPaths>(nameof(AddStrataCore)))
        {
            return services;
        }

        services.TryAddSingleton(configuration);
        services.TryAddSingleton(_ => StrataPaths.FromEnvironment());
        return services
            .AddStrataOptions<ServerOptions>(configuration)
            .AddStrataOptions<ModelsOptions>(configuration)
            .AddStrataOptions<HuggingFaceOptions>(configuration)
            .AddStrataOptions<DataOptions>(configuration)
            .AddStrataOptions<IngestionOptions>(configuration)
            .AddStrataOptions<RetrievalOptions>(configuration)
            .AddStrataOptions<TelemetryOptions>(configuration);
    }

    /// <summary>
    /// True the first time a layer's <c>AddStrataX</c> registers into <paramref name="services"/>, false after: layers
    /// add the layers they build on, and registering OpenTelemetry or HTTP clients twice would duplicate them.
    /// </summary>
    /// <typeparam name="TLayer">Any type of the layer, to make its marker distinct.</typeparam>
    public static bool FirstRegistration<TLayer>(this IServiceCollection services, string registration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var marker = $"{typeof(TLayer).Assembly.GetName().Name}:{registration}";
        if (services.Any(descriptor => descriptor.ServiceType == typeof(LayerRegistration) && descriptor.ServiceKey is string key && key == marker))
        {
            return false;
        }

        services.AddKeyedSingleton(marker, new LayerRegistration(marker));
        return true;
    }
}

/// <summary>Marks a layer as registered (see <see cref="StrataCoreServiceCollectionExtensions.FirstRegistration{TLayer}"/>).</summary>
/// <param name="Name">The layer's registration.</param>
public sealed record LayerRegistration(string Name);
