using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.VectorData;
using Strata.Models.Configuration;

namespace Strata.Data;

/// <summary>Registers the Data layer's services with a service collection.</summary>
public static class StrataDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Data layer: an <see cref="IVectorDatabase"/> chosen by <c>Data:Provider</c> (only <c>embedded</c>, the default,
    /// exists so far: collections under <c>$STRATA_HOME/data</c>, or <c>Data:Directory</c>) and the same database as a
    /// Microsoft.Extensions.VectorData <see cref="VectorStore"/>.
    /// </summary>
    public static IServiceCollection AddStrataData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["Data:Provider"] ?? "embedded";
        if (!provider.Equals("embedded", StringComparison.OrdinalIgnoreCase))
        {
            throw new StrataDataException($"Data:Provider '{provider}' is not available: this build has only the 'embedded' provider (PostgreSQL is not implemented yet).");
        }

        services.TryAddSingleton(_ => StrataPaths.FromEnvironment());
        services.TryAddSingleton<IVectorDatabase>(serviceProvider =>
            new EmbeddedVectorDatabase(configuration["Data:Directory"] ?? serviceProvider.GetRequiredService<StrataPaths>().Data));
        services.TryAddSingleton<VectorStore>(serviceProvider => new StrataVectorStore(serviceProvider.GetRequiredService<IVectorDatabase>()));
        return services;
    }
}
