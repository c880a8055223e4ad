using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>Strata's vector database behind the Microsoft.Extensions.VectorData <see cref="VectorStore"/> contract.</summary>
/// <param name="database">The Strata database (embedded or another backend).</param>
/// <param name="embeddingGenerator">Embeds string search values for every collection; optional.</param>
public sealed class StrataVectorStore(IVectorDatabase database, IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null) : VectorStore
{
    /// <inheritdoc/>
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        if (typeof(TKey) != typeof(string))
        {
            throw new NotSupportedException($"Strata keys are strings, not {typeof(TKey).Name}.");
        }

        if (definition is not null)
        {
            throw new NotSupportedException("Strata maps records from their [VectorStore*] attributes; collection definitions are not supported.");
        }

        return (VectorStoreCollection<TKey, TRecord>)(object)new StrataVectorStoreCollection<TRecord>(database, name, embeddingGenerator);
    }

    /// <inheritdoc/>
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        throw new NotSupportedException("Dynamic (dictionary) collections are not supported by Strata yet; use a record class.");

    /// <inheritdoc/>
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in database.List())
        {
            yield return name;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(database.Exists(name));

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        database.Drop(name);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = "strata" }
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(database) ? database
            : null;
    }
}
