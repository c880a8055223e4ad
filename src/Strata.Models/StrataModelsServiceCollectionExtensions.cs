using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Strata.Models.Catalog;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.HuggingFace;
using Strata.Models.Reranking;
using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models;

/// <summary>Registers the model layer's services with a service collection.</summary>
public static class StrataModelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the model layer: <see cref="StrataPaths"/> (from <c>STRATA_HOME</c> unless already registered), the <see cref="ModelStore"/>,
    /// and Hugging Face pulls (<see cref="HuggingFaceHubClient"/> as a typed HTTP client, <see cref="ModelPuller"/>),
    /// the <see cref="ModelCatalog"/> and the <see cref="RerankerCatalog"/>.
    /// </summary>
    public static IServiceCollection AddStrataModels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<ModelStore>(nameof(AddStrataModels)))
        {
            return services;
        }

        services.AddStrataCore(configuration);
        services.TryAddSingleton(provider => new ModelStore(provider.GetRequiredService<StrataPaths>()));
        // Imports and pulls trial-load a model in a runner before storing it, unless models run in process (Models:Runners off).
        services.TryAddSingleton(provider => provider.GetRequiredService<ModelsOptions>().Runners
            ? new ModelTrialLoader(provider.GetRequiredService<StrataPaths>()) : null!);
        services.TryAddSingleton(provider => new ModelImporter(provider.GetRequiredService<ModelStore>(), provider.GetService<ModelTrialLoader>()));
        services.TryAddSingleton(provider => HuggingFaceHubOptions.From(provider.GetRequiredService<HuggingFaceOptions>()));
        // The hub client follows redirects itself so the token never reaches the CDN, and hashes raw bytes, so no decompression.
        services.AddHttpClient<HuggingFaceHubClient>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
        services.TryAddTransient<ModelPuller>();
        services.TryAddSingleton(provider => new ModelCatalog(
            provider.GetRequiredService<ModelStore>(), provider.GetRequiredService<ModelsOptions>(), provider.GetRequiredService<TelemetryOptions>(),
            RemoteProviderOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()), provider.GetService<ILoggerFactory>()));
        // Rerankers run in the catalog's runners (Models:Runners), supervised like its chat and embedding models.
        services.TryAddSingleton(provider => new RerankerCatalog(provider.GetRequiredService<ModelStore>(), provider.GetRequiredService<ModelCatalog>()));
        return services;
    }
}
