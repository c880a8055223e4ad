using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Hnsw;
using Strata.Data.Search;

namespace Strata.Data.VectorData;

public sealed partial class StrataVectorStoreCollection<TKey, TRecord>
{
    /// <inheritdoc/>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var property = model.GetVectorPropertyOrSingle(options);
        var vector = await QueryVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        var filter = options.Filter is null ? null : ExpressionFilterTranslator.Translate(options.Filter, model);
        var hits = await SearchAsync(property, vector, filter, top + options.Skip, includeVectors, cancellationToken).ConfigureAwait(false);
        foreach (var result in Page(hits, property, options.ScoreThreshold, options.Skip, top, includeVectors))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return result;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var property = model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        // A property not marked full-text-indexed is refused here with InvalidOperationException, as every connector
        // that uses this helper refuses it.
        var textProperty = model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        if (property != mapper.Primary)
        {
            throw new NotSupportedException(
                $"Strata's hybrid search combines the collection's first vector ('{mapper.Primary?.ModelName}') with a full-text-indexed string property.");
        }

        if (textProperty.Type != typeof(string))
        {
            throw new NotSupportedException($"Hybrid search reads the text of a string property; '{textProperty.ModelName}' is a {textProperty.Type.Name}.");
        }

        // The document property is in the collection's keyword index; another string property is kept in the metadata
        // and scored there by the backend, with the same ranking and fusion (SearchOptions.TextField).
        var textField = textProperty == mapper.Document ? null : RecordMapper.FieldOf(textProperty);

        var vector = await QueryVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        var filter = options.Filter is null ? null : ExpressionFilterTranslator.Translate(options.Filter, model);
        var text = string.Join(' ', keywords);
        var hits = await RunAsync("HybridSearch", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false))
            .SearchHybridAsync(vector, text, new SearchOptions { K = top + options.Skip, Filter = filter, IncludeVectors = includeVectors, TextField = textField }, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var hit in hits.Skip(options.Skip).Take(top))
        {
            // The fused score is a ranking score (higher is better) with no distance meaning, so a threshold is a minimum.
            if (options.ScoreThreshold is { } threshold && hit.Score < threshold)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(mapper.FromStored<TRecord>(Stored(hit), includeVectors), hit.Score);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var condition = ExpressionFilterTranslator.Translate(filter, model);
        var orderBy = options.OrderBy?.Invoke(new()).Values;
        if (orderBy is not { Count: > 0 })
        {
            // Id order is the scroll's own: the first Skip + top matching records are all that is read.
            var skipped = 0;
            var returned = 0;
            await foreach (var stored in ScrollAsync(condition, cancellationToken).ConfigureAwait(false))
            {
                if (skipped++ < options.Skip)
                {
                    continue;
                }

                yield return mapper.FromStored<TRecord>(stored, includeVectors);
                if (++returned == top)
                {
                    yield break;
                }
            }

            yield break;
        }

        var all = new List<TRecord>();
        await foreach (var stored in ScrollAsync(condition, cancellationToken).ConfigureAwait(false))
        {
            all.Add(mapper.FromStored<TRecord>(stored, includeVectors));
        }

        // Strata scrolls in id order only, so another order sorts the matching records here.
        var sorts = orderBy.Select(sort => (Property: model.GetDataOrKeyProperty(sort.PropertySelector), sort.Ascending)).ToList();
        var sorted = all.OrderBy(_ => 0);
        foreach (var (property, ascending) in sorts)
        {
            sorted = ascending
                ? sorted.ThenBy(r => property.GetValueAsObject(r), Comparer<object?>.Default)
                : sorted.ThenByDescending(r => property.GetValueAsObject(r), Comparer<object?>.Default);
        }

        foreach (var record in sorted.Skip(options.Skip).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    private async IAsyncEnumerable<VectorRecord> ScrollAsync(MetadataFilter? filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await RunAsync("Get", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false))
                .ScrollAsync(filter, cursor, 500, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                yield return record;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private async Task<float[]> QueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
        where TInput : notnull => searchValue switch
        {
            ReadOnlyMemory<float> memory => memory.ToArray(),
            float[] array => array,
            Embedding<float> embedding => embedding.Vector.ToArray(),
            _ when property.EmbeddingGenerationDispatcher is not null =>
                ((Embedding<float>)await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false)).Vector.ToArray(),
            _ when property.EmbeddingGenerator is null =>
                throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(searchValue.GetType(), StrataModelBuilder.SupportedVectorTypes)),
            _ => throw new InvalidOperationException(VectorDataStrings.IncompatibleEmbeddingGeneratorWasConfiguredForInputType(typeof(TInput), property.EmbeddingGenerator.GetType())),
        };

    // Strata's scores: cosine similarity, dot product, or −(Euclidean or Manhattan distance), higher better; Page turns them into the contract's.
    private async Task<IReadOnlyList<(VectorRecord Record, double Score)>> SearchAsync(VectorPropertyModel property, float[] vector, MetadataFilter? filter, int k, bool includeVectors, CancellationToken cancellationToken)
    {
        if (vector.Length != property.Dimensions)
        {
            throw new ArgumentException($"The search vector has {vector.Length} dimensions; '{property.ModelName}' has {property.Dimensions}.", nameof(vector));
        }

        if (property == mapper.Primary)
        {
            var hits = await RunAsync("Search", async () => await (await HandleAsync(cancellationToken).ConfigureAwait(false))
                .SearchAsync(vector, new SearchOptions { K = k, Filter = filter, IncludeVectors = includeVectors }, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return [.. hits.Select(hit => (Stored(hit), hit.Score))];
        }

        // A second or later vector is not indexed: the passing records are scanned and scored exactly.
        var metric = DistanceOf(property);
        var passing = new List<VectorRecord>();
        await foreach (var record in ScrollAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            passing.Add(record);
        }

        return [.. passing
            .Select(record => (Record: record, Vector: RecordMapper.ExtraVector(record, property)))
            .Where(pair => pair.Vector is not null)
            .Select(pair => (pair.Record, Score: StrataScore(metric, vector, pair.Vector!)))
            .OrderByDescending(pair => pair.Score)
            .Take(k)];
    }

    private static double StrataScore(DistanceMetric metric, float[] query, float[] vector) => metric switch
    {
        DistanceMetric.Cosine => TensorPrimitives.CosineSimilarity(query, vector),
        DistanceMetric.Dot => TensorPrimitives.Dot(query, vector),
        DistanceMetric.L1 => -VectorDistance.Manhattan(query, vector),
        _ => -TensorPrimitives.Distance(query, vector),
    };

    private IEnumerable<VectorSearchResult<TRecord>> Page(IReadOnlyList<(VectorRecord Record, double Score)> hits, VectorPropertyModel property, double? threshold, int skip, int top, bool includeVectors)
    {
        var distance = LowerIsCloser(property.DistanceFunction);
        return hits
            .Select(hit => (hit.Record, Score: ContractScore(hit.Score, property.DistanceFunction)))
            .Where(hit => threshold is not { } limit || (distance ? hit.Score <= limit : hit.Score >= limit))
            .Skip(skip)
            .Take(top)
            .Select(hit => new VectorSearchResult<TRecord>(mapper.FromStored<TRecord>(hit.Record, includeVectors), hit.Score));
    }

    /// <summary>
    /// The score the contract defines for the distance function: similarities as they are (higher is closer); cosine
    /// distance as 1 − similarity, Euclidean distance as the distance, its square, the negated dot product and the Manhattan distance (lower
    /// is closer). Each is monotonic in Strata's score, so Strata's best-first order is the contract's too.
    /// </summary>
    internal static double ContractScore(double strataScore, string? distanceFunction) => distanceFunction switch
    {
        DistanceFunction.CosineDistance => 1 - strataScore,
        DistanceFunction.EuclideanDistance => -strataScore,
        DistanceFunction.EuclideanSquaredDistance => strataScore * strataScore,
        DistanceFunction.NegativeDotProductSimilarity or DistanceFunction.ManhattanDistance => -strataScore,
        _ => strataScore,
    };

    /// <summary>Whether the contract's score for the distance function is a distance (a threshold is an upper bound).</summary>
    internal static bool LowerIsCloser(string? distanceFunction) => distanceFunction is DistanceFunction.CosineDistance
        or DistanceFunction.EuclideanDistance or DistanceFunction.EuclideanSquaredDistance or DistanceFunction.NegativeDotProductSimilarity or DistanceFunction.ManhattanDistance;

    private static VectorRecord Stored(SearchHit hit) => new(hit.Id, hit.Vector ?? [], hit.Document, hit.Metadata);
}
