using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>
/// Registers Strata's <see cref="VectorStore"/> and collections in the style of the official connectors. Both use the
/// <see cref="IVectorDatabase"/> in the container (<c>AddStrataData</c> registers one) and, unless options name one, the
/// <see cref="IEmbeddingGenerator"/> registered there, if any.
/// </summary>
public static class StrataVectorStoreServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="StrataVectorStore"/> as <see cref="VectorStore"/>.</summary>
    public static IServiceCollection AddStrataVectorStore(this IServiceCollection services, Func<IServiceProvider, StrataVectorStoreOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        => AddKeyedStrataVectorStore(services, serviceKey: null, optionsProvider, lifetime);

    /// <summary>Registers a <see cref="StrataVectorStore"/> as <see cref="VectorStore"/> under a key.</summary>
    public static IServiceCollection AddKeyedStrataVectorStore(this IServiceCollection services, object? serviceKey, Func<IServiceProvider, StrataVectorStoreOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Add(new ServiceDescriptor(typeof(StrataVectorStore), serviceKey, (provider, _) => CreateStore(provider, optionsProvider), lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStore), serviceKey, (provider, key) => provider.GetRequiredKeyedService<StrataVectorStore>(key), lifetime));
        return services;
    }

    /// <summary>Registers a collection as <see cref="VectorStoreCollection{TKey, TRecord}"/> (and as <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>).</summary>
    public static IServiceCollection AddStrataCollection<TKey, TRecord>(this IServiceCollection services, string name, Func<IServiceProvider, StrataVectorStoreCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
        => AddKeyedStrataCollection<TKey, TRecord>(services, serviceKey: null, name, optionsProvider, lifetime);

    /// <summary>Registers a collection under a key, as <see cref="AddStrataCollection{TKey, TRecord}"/> does.</summary>
    public static IServiceCollection AddKeyedStrataCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name, Func<IServiceProvider, StrataVectorStoreCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.Add(new ServiceDescriptor(typeof(StrataVectorStoreCollection<TKey, TRecord>), serviceKey, (provider, _) =>
        {
            var options = optionsProvider?.Invoke(provider);
            return new StrataVectorStoreCollection<TKey, TRecord>(provider.GetRequiredService<IVectorDatabase>(), name, new StrataVectorStoreCollectionOptions
            {
                Definition = options?.Definition,
                EmbeddingGenerator = options?.EmbeddingGenerator ?? EmbeddingGeneratorIn(provider),
            });
        }, lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStoreCollection<TKey, TRecord>), serviceKey, (provider, key) => provider.GetRequiredKeyedService<StrataVectorStoreCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IVectorSearchable<TRecord>), serviceKey, (provider, key) => provider.GetRequiredKeyedService<StrataVectorStoreCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IKeywordHybridSearchable<TRecord>), serviceKey, (provider, key) => provider.GetRequiredKeyedService<StrataVectorStoreCollection<TKey, TRecord>>(key), lifetime));
        return services;
    }

    /// <summary>The store over the container's database, with the generator the options or the container give.</summary>
    internal static StrataVectorStore CreateStore(IServiceProvider provider, Func<IServiceProvider, StrataVectorStoreOptions>? optionsProvider = null) =>
        new(provider.GetRequiredService<IVectorDatabase>(), new StrataVectorStoreOptions
        {
            EmbeddingGenerator = optionsProvider?.Invoke(provider).EmbeddingGenerator ?? EmbeddingGeneratorIn(provider),
        });

    // As the official connectors do, the container's generator is the one registered as the general IEmbeddingGenerator: a
    // typed one (IEmbeddingGenerator<string, Embedding<float>>) may serve other purposes and is not taken implicitly.
    private static IEmbeddingGenerator? EmbeddingGeneratorIn(IServiceProvider provider) => provider.GetService<IEmbeddingGenerator>();
}
