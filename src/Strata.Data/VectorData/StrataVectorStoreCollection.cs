using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Npgsql;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>
/// A Strata collection behind the Microsoft.Extensions.VectorData contract: records described by [VectorStore*] attributes
/// or a <see cref="VectorStoreCollectionDefinition"/>, or dynamic ones (<c>Dictionary&lt;string, object?&gt;</c>); string,
/// Guid, int or long keys; any number of vectors; embedding generation on upsert and search; hybrid search.
/// </summary>
/// <typeparam name="TKey">The key type: string, Guid, int or long (object for a dynamic collection).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed partial class StrataVectorStoreCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private const string SystemName = "strata";

    private readonly IVectorDatabase database;
    private readonly CollectionHandles handles;
    private readonly CollectionModel model;
    private readonly RecordMapper mapper;
    private readonly CollectionSpec spec;

    /// <summary>Creates the collection object; the collection itself is created by <see cref="EnsureCollectionExistsAsync"/>.</summary>
    /// <param name="database">The Strata database (embedded or PostgreSQL).</param>
    /// <param name="name">The collection's name: letters, digits, '_' and '-'.</param>
    /// <param name="options">The record definition and embedding generator, if any.</param>
    public StrataVectorStoreCollection(IVectorDatabase database, string name, StrataVectorStoreCollectionOptions? options = null)
        : this(database, name, StrataModelBuilder.For<TKey, TRecord>(options?.Definition, options?.EmbeddingGenerator))
    {
    }

    internal StrataVectorStoreCollection(IVectorDatabase database, string name, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CollectionSpec.ValidateName(name);

        this.database = database;
        this.model = model;
        handles = CollectionHandles.For(database);
        mapper = new RecordMapper(model);
        foreach (var vector in model.VectorProperties)
        {
            _ = DistanceOf(vector);
            if (vector.IndexKind is not (null or IndexKind.Hnsw or IndexKind.Flat))
            {
                throw new NotSupportedException($"Index kind '{vector.IndexKind}' is not supported by Strata (use Hnsw or Flat).");
            }
        }

        Name = name;
        spec = new CollectionSpec(name, mapper.Dimension, mapper.Primary is { } primary ? DistanceOf(primary) : DistanceMetric.L2);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("CollectionExists", () => database.ExistsAsync(Name, cancellationToken));

    /// <inheritdoc/>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("EnsureCollectionExists", () => handles.EnsureAsync(database, spec, cancellationToken));

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        RunAsync("EnsureCollectionDeleted", () => handles.DropAsync(database, Name, cancellationToken));

    /// <inheritdoc/>
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (var record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = CheckIncludeVectors(options?.IncludeVectors ?? false);
        var ids = keys.Select(key => ValueCodec.IdOf(key)).ToList();
        var found = ids.Count == 0 ? [] : await RunAsync("Get", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false)).GetAsync(ids, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var stored in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return mapper.FromStored<TRecord>(stored, includeVectors);
        }
    }

    /// <inheritdoc/>
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ids = keys.Select(key => ValueCodec.IdOf(key)).ToList();
        if (ids.Count > 0)
        {
            await RunAsync("Delete", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false)).DeleteAsync(ids, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records.ToList();
        if (batch.Count == 0)
        {
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(batch[i], nameof(records));
        }

        await GenerateKeysAsync(batch, cancellationToken).ConfigureAwait(false);
        var generated = await GenerateEmbeddingsAsync(batch, cancellationToken).ConfigureAwait(false);
        var stored = new List<VectorRecord>(batch.Count);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = mapper.ToStored(batch[i], generated?[i]);
            // A key twice in one batch: the later record wins, as it would in two upserts.
            if (position.TryGetValue(record.Id, out var earlier))
            {
                stored[earlier] = record;
            }
            else
            {
                position[record.Id] = stored.Count;
                stored.Add(record);
            }
        }

        await RunAsync("Upsert", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false)).UpsertAsync(stored, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = SystemName, CollectionName = Name }
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(database) ? database
            : null;
    }

    // A generated key replaces the CLR default (null, Guid.Empty, 0) and is written back into the record, as the contract
    // asks. Guids are made here; int and long keys come from the collection's counter, so they never reuse a stored key.
    private async Task GenerateKeysAsync(List<TRecord> batch, CancellationToken cancellationToken)
    {
        var key = model.KeyProperty;
        if (!key.IsAutoGenerated)
        {
            return;
        }

        var needing = batch.Where(r => IsDefaultKey(key.GetValueAsObject(r))).ToList();
        if (needing.Count == 0)
        {
            return;
        }

        if (key.Type == typeof(Guid))
        {
            needing.ForEach(r => key.SetValueAsObject(r, Guid.NewGuid()));
            return;
        }

        var keys = await RunAsync("Upsert", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false)).ReserveKeysAsync(needing.Count, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        for (var i = 0; i < needing.Count; i++)
        {
            key.SetValueAsObject(needing[i], key.Type == typeof(long) ? keys[i]
                : keys[i] <= int.MaxValue ? (object)(int)keys[i]
                : throw new InvalidOperationException($"Collection '{Name}' has no int keys left to generate; use long keys."));
        }
    }

    private static bool IsDefaultKey(object? value) => value switch
    {
        null => true,
        Guid guid => guid == Guid.Empty,
        int number => number == 0,
        long number => number == 0,
        _ => false,
    };

    private async Task<Dictionary<VectorPropertyModel, Embedding<float>>[]?> GenerateEmbeddingsAsync(List<TRecord> batch, CancellationToken cancellationToken)
    {
        Dictionary<VectorPropertyModel, Embedding<float>>[]? generated = null;
        foreach (var property in model.VectorProperties)
        {
            if (StrataModelBuilder.IsNativeVectorType(property.Type))
            {
                continue;
            }

            // Not a vector type: the model builder accepted it only because a generator can embed it.
            var embeddings = await property.GenerateEmbeddingsAsync(batch.Select(r => property.GetValueAsObject(r)), cancellationToken).ConfigureAwait(false);
            generated ??= [.. batch.Select(_ => new Dictionary<VectorPropertyModel, Embedding<float>>())];
            for (var i = 0; i < batch.Count; i++)
            {
                generated[i][property] = embeddings[i] as Embedding<float>
                    ?? throw new NotSupportedException($"The embedding generator of '{property.ModelName}' returned {embeddings[i].GetType().Name}; Strata stores Embedding<float>.");
            }
        }

        return generated;
    }

    private bool CheckIncludeVectors(bool includeVectors) => includeVectors && model.EmbeddingGenerationRequired
        ? throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration)
        : includeVectors;

    private Task<IVectorCollection> HandleAsync(CancellationToken cancellationToken) => handles.GetAsync(database, Name, cancellationToken);

    private static DistanceMetric DistanceOf(VectorPropertyModel vector) => vector.DistanceFunction switch
    {
        null or DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => DistanceMetric.Cosine,
        // The negated dot product and the squared distance are the same metrics, their scores transformed in ContractScore.
        DistanceFunction.DotProductSimilarity or DistanceFunction.NegativeDotProductSimilarity => DistanceMetric.Dot,
        DistanceFunction.EuclideanDistance or DistanceFunction.EuclideanSquaredDistance => DistanceMetric.L2,
        DistanceFunction.ManhattanDistance => DistanceMetric.L1,
        var other => throw new NotSupportedException($"Distance function '{other}' of '{vector.ModelName}' is not supported by Strata (use CosineSimilarity, CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance or ManhattanDistance)."),
    };

    private Task RunAsync(string operation, Func<Task> action) => RunAsync(operation, async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    });

    // Backend failures reach the caller as the contract's VectorStoreException, naming the collection and the operation.
    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is StrataDataException or SqliteException or NpgsqlException or IOException)
        {
            throw new VectorStoreException($"Strata collection '{Name}', {operation}: {e.Message}", e)
            {
                VectorStoreSystemName = SystemName,
                CollectionName = Name,
                OperationName = operation,
            };
        }
    }
}
