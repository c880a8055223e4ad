using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Models.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;

namespace Strata.Synthesis;

/// <summary>Registers the Synthesis layer's services with a service collection.</summary>
public static class StrataSynthesisServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Synthesis layer (image datasets, trainers and samplers) to <paramref name="services"/>.
    /// Needs a <see cref="StrataPaths"/> registration (the composition root adds it).
    /// </summary>
    public static IServiceCollection AddStrataSynthesis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(provider => new DatasetStore(provider.GetRequiredService<StrataPaths>()));
        services.TryAddSingleton(provider => new TrainingRun(provider.GetRequiredService<StrataPaths>()));
        return services;
    }
}
