using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Models.Catalog;
using Strata.Models.Configuration;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration;

/// <summary>Registers the Orchestration layer's services with a service collection.</summary>
public static class StrataOrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Orchestration layer to <paramref name="services"/>: the <see cref="Retriever"/> and the
    /// <see cref="RagService"/> with the prompt templates of <c>$STRATA_HOME</c> (needs the Models layer's catalog and a
    /// <see cref="StrataPaths"/> registration).
    /// </summary>
    public static IServiceCollection AddStrataOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(provider => new Retriever(provider.GetRequiredService<ModelCatalog>()));
        services.TryAddSingleton(provider => new RagService(
            provider.GetRequiredService<ModelCatalog>(), PromptTemplates.ForStrataHome(provider.GetRequiredService<StrataPaths>().Home)));
        return services;
    }
}
