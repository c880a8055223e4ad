using System.Collections.Concurrent;
using Strata.Core.Options;
using Strata.Data.Collections;
using Strata.Models.Catalog;
using Strata.Orchestration.Ingestion;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>
/// Before text is embedded for a collection (a dense or hybrid text search, an ask, records without vectors, an upload):
/// a collection that records no embedding model (created with only a dimension) is embedded with
/// <c>Models:DefaultEmbedding</c>, which only works when that model's vectors have the collection's dimension. When they
/// do not, the request is refused with a 400 that says so, rather than failing deep inside the index.
/// </summary>
public sealed class TextEmbeddingCheck(ModelCatalog catalog, ModelsOptions models)
{
    private readonly ConcurrentDictionary<string, int> dimensions = new(StringComparer.Ordinal);

    /// <summary>Throws unless text can be embedded for <paramref name="collection"/>.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="param">The request field that would be embedded, named in the error.</param>
    /// <param name="cancellationToken">Cancels loading the default model.</param>
    /// <exception cref="OpenAiRequestException">The collection has no model and the default one does not fit (400).</exception>
    public async Task EnsureAsync(IVectorCollection collection, string param, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (collection.Spec.EmbeddingModel is not null)
        {
            return;
        }

        var model = models.DefaultEmbedding;
        if (!dimensions.TryGetValue(model, out var dimension))
        {
            dimension = await CollectionIngestion.DimensionOfAsync(await catalog.GetEmbeddingGeneratorAsync(model, cancellationToken), cancellationToken);
            dimensions[model] = dimension;
        }

        if (dimension != collection.Spec.Dimension)
        {
            throw new OpenAiRequestException(
                $"Collection '{collection.Spec.Name}' has no embedding model (it was created with only a dimension, {collection.Spec.Dimension}), " +
                $"and the default model '{model}' makes {dimension}-dimensional vectors, so its text cannot be embedded: send vectors, " +
                "search with a query 'vector' or in bm25 mode, or create the collection with an 'embeddingModel'.",
                param, "no_embedding_model");
        }
    }
}
