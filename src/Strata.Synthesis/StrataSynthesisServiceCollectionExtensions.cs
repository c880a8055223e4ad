using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Core;
using Strata.Models;
using Strata.Models.Store;
using Strata.Monitoring;
using Strata.Monitoring.Runs;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;

namespace Strata.Synthesis;

/// <summary>Registers the Synthesis layer's services with a service collection.</summary>
public static class StrataSynthesisServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Synthesis layer (image datasets, training and its tracking) and the layers it builds on: the model store
    /// (trained models are registered there) and Monitoring (trainings are tracked as runs).
    /// </summary>
    public static IServiceCollection AddStrataSynthesis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<TrainingRun>(nameof(AddStrataSynthesis)))
        {
            return services;
        }

        services.AddStrataModels(configuration).AddStrataMonitoring(configuration);
        services.TryAddSingleton(provider => new DatasetStore(provider.GetRequiredService<StrataPaths>()));
        services.TryAddSingleton(provider => new TrainingRun(
            provider.GetRequiredService<StrataPaths>(), provider.GetRequiredService<DatasetStore>(), provider.GetRequiredService<ModelStore>()));
        services.TryAddSingleton(provider => new TrackedTraining(provider.GetRequiredService<TrainingRun>(), provider.GetRequiredService<IRunTracker>()));
        return services;
    }
}
