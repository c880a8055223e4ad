using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.VectorData;

/// <summary>A Strata collection behind the Microsoft.Extensions.VectorData contract, for records keyed by string.</summary>
/// <typeparam name="TRecord">A class with [VectorStoreKey] (string), [VectorStoreData] and one [VectorStoreVector] property.</typeparam>
public sealed class StrataVectorStoreCollection<TRecord> : VectorStoreCollection<string, TRecord>
    where TRecord : class
{
    private readonly IVectorDatabase database;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator;
    private readonly RecordMapper<TRecord> mapper = new();
    private readonly Lock gate = new();
    private IVectorCollection? collection;

    /// <summary>Creates the adapter; the collection itself is created by <see cref="EnsureCollectionExistsAsync"/>.</summary>
    /// <param name="database">The Strata database.</param>
    /// <param name="name">The collection's name.</param>
    /// <param name="embeddingGenerator">Embeds string search values; searches by string fail without it.</param>
    public StrataVectorStoreCollection(IVectorDatabase database, string name, IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        CollectionSpec.ValidateName(name);
        this.database = database;
        this.embeddingGenerator = embeddingGenerator;
        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(database.Exists(Name));

    /// <inheritdoc/>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (!database.Exists(Name))
            {
                collection = database.Create(new CollectionSpec(Name, mapper.Dimension, mapper.Distance));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            collection?.Dispose();
            collection = null;
            database.Drop(Name);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<TRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        var found = Collection.Get([key]);
        return Task.FromResult(found.Count == 0 ? null : mapper.FromRecord(found[0], options?.IncludeVectors ?? false));
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<string> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in Collection.Get(keys))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return mapper.FromRecord(record, options?.IncludeVectors ?? false);
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (options?.OrderBy is not null)
        {
            throw new NotSupportedException("Strata returns filtered records in key order; OrderBy is not supported.");
        }

        var translated = ExpressionFilterTranslator.Translate(filter, mapper);
        var skip = options?.Skip ?? 0;
        string? cursor = null;
        var returned = 0;
        do
        {
            var page = Collection.Scroll(translated, cursor, 256);
            foreach (var record in page.Records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                yield return mapper.FromRecord(record, options?.IncludeVectors ?? false);
                if (++returned == top)
                {
                    yield break;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc/>
    public override Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        Collection.Delete(keys);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <inheritdoc/>
    public override Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Collection.Upsert([.. records.Select(mapper.ToRecord)]);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        float[] vector;
        if (searchValue is string text)
        {
            var generator = embeddingGenerator ?? throw new NotSupportedException($"Collection '{Name}' has no embedding generator: search with a vector, or pass one to the store.");
            vector = (await generator.GenerateAsync(text, cancellationToken: cancellationToken)).Vector.ToArray();
        }
        else
        {
            vector = RecordMapper<TRecord>.VectorOf(searchValue);
        }

        var skip = options?.Skip ?? 0;
        var hits = Collection.Search(vector, new SearchOptions
        {
            K = top + skip,
            Filter = options?.Filter is { } filter ? ExpressionFilterTranslator.Translate(filter, mapper) : null,
            IncludeVectors = options?.IncludeVectors ?? false,
        });
        foreach (var hit in hits.Skip(skip))
        {
            if (options?.ScoreThreshold is { } threshold && hit.Score < threshold)
            {
                continue;
            }

            yield return new VectorSearchResult<TRecord>(mapper.FromRecord(new VectorRecord(hit.Id, hit.Vector ?? [], hit.Document, hit.Metadata), hit.Vector is not null), hit.Score);
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = "strata", CollectionName = Name }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (gate)
            {
                collection?.Dispose();
                collection = null;
            }
        }

        base.Dispose(disposing);
    }

    private IVectorCollection Collection
    {
        get
        {
            lock (gate)
            {
                return collection ??= database.Open(Name);
            }
        }
    }
}
