using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models;
using Strata.Models.Catalog;
using Strata.Models.Reranking;
using Strata.Orchestration.Conversations;
using Strata.Orchestration.Evaluation;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration;

/// <summary>Registers the Orchestration layer's services with a service collection.</summary>
public static class StrataOrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Orchestration layer (and the Models layer it builds on): the <see cref="Retriever"/>, the
    /// <see cref="RagService"/> with the prompt templates of <c>$STRATA_HOME</c>, and the <see cref="RetrievalEvaluator"/>.
    /// </summary>
    public static IServiceCollection AddStrataOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<Retriever>(nameof(AddStrataOrchestration)))
        {
            return services;
        }

        services.AddStrataModels(configuration);
        services.TryAddSingleton(provider => new Retriever(
            provider.GetRequiredService<ModelCatalog>(), provider.GetRequiredService<ModelsOptions>().DefaultEmbedding));
        services.TryAddSingleton(provider => PromptTemplates.ForStrataHome(provider.GetRequiredService<StrataPaths>().Home));
        services.TryAddSingleton(provider => new RagService(
            provider.GetRequiredService<ModelCatalog>(), provider.GetRequiredService<Retriever>(), provider.GetRequiredService<PromptTemplates>())
        {
            Rerankers = provider.GetRequiredService<RerankerCatalog>().Get,
            DefaultRerankModel = provider.GetRequiredService<RetrievalOptions>().RerankModel,
            RerankCandidates = provider.GetRequiredService<RetrievalOptions>().RerankCandidates,
        });
        services.TryAddSingleton(provider => new RetrievalEvaluator(provider.GetRequiredService<Retriever>()));
        services.TryAddSingleton(provider => new ConversationStore(provider.GetRequiredService<StrataPaths>()));
        return services;
    }
}
