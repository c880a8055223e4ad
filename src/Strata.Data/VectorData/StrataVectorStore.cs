using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>Strata's vector database behind the Microsoft.Extensions.VectorData <see cref="VectorStore"/> contract.</summary>
public sealed class StrataVectorStore : VectorStore
{
    private readonly IVectorDatabase database;
    private readonly IEmbeddingGenerator? embeddingGenerator;

    /// <summary>Wraps a Strata database.</summary>
    /// <param name="database">The Strata database (embedded or PostgreSQL).</param>
    /// <param name="options">The default embedding generator of its collections, if any.</param>
    public StrataVectorStore(IVectorDatabase database, StrataVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        embeddingGenerator = options?.EmbeddingGenerator;
    }

    /// <inheritdoc/>
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        typeof(TRecord) == typeof(Dictionary<string, object?>)
            ? throw new NotSupportedException("Use GetDynamicCollection for Dictionary<string, object?> records.")
            : new StrataVectorStoreCollection<TKey, TRecord>(database, name, new StrataVectorStoreCollectionOptions { Definition = definition, EmbeddingGenerator = embeddingGenerator });

    /// <inheritdoc/>
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new StrataVectorStoreCollection<object, Dictionary<string, object?>>(database, name, new StrataVectorStoreCollectionOptions { Definition = definition, EmbeddingGenerator = embeddingGenerator });
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in await RunAsync("ListCollectionNames", null, () => database.ListAsync(cancellationToken)).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync("CollectionExists", name, () => database.ExistsAsync(name, cancellationToken));
    }

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync("EnsureCollectionDeleted", name, async () =>
        {
            await CollectionHandles.For(database).DropAsync(database, name, cancellationToken).ConfigureAwait(false);
            return true;
        });
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

    private static async Task<T> RunAsync<T>(string operation, string? collection, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (StrataDataException e)
        {
            throw new VectorStoreException(e.Message, e) { VectorStoreSystemName = "strata", CollectionName = collection, OperationName = operation };
        }
    }
}
