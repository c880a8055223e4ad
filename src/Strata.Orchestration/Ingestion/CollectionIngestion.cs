using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Strata.Models.Embeddings;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Ingestion;
using Strata.Models.Catalog;

namespace Strata.Orchestration.Ingestion;

/// <summary>
/// What the CLI's <c>strata ingest</c> and the server's upload queue share: a collection opened (or created with the
/// embedding model's dimension), the model that embeds its chunks, and the pipeline that ingests into it.
/// </summary>
public static class CollectionIngestion
{
    /// <summary>Default chunk size in the embedding model's tokens (MiniLM reads at most 256; two are its markers).</summary>
    public const int DefaultChunkTokens = 254;

    /// <summary>Default tokens shared by neighbouring chunks.</summary>
    public const int DefaultOverlapTokens = 32;

    /// <summary>
    /// Opens <paramref name="name"/>, or creates it for <paramref name="embeddingModel"/> (its dimension probed from the
    /// model). An existing collection keeps its own model: the returned embedder is that one.
    /// </summary>
    public static async Task<(IVectorCollection Collection, IEmbeddingGenerator<string, Embedding<float>> Embedder)> OpenOrCreateAsync(
        IVectorDatabase database, ModelCatalog catalog, string name, string embeddingModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(catalog);
        if (await database.ExistsAsync(name, cancellationToken))
        {
            var existing = await database.OpenAsync(name, cancellationToken);
            try
            {
                return (existing, await EmbedderForAsync(catalog, existing, embeddingModel, cancellationToken));
            }
            catch
            {
                existing.Dispose();
                throw;
            }
        }

        var embedder = await catalog.GetEmbeddingGeneratorAsync(embeddingModel, cancellationToken);
        var dimension = await DimensionOfAsync(embedder, cancellationToken);
        return (await database.CreateAsync(new CollectionSpec(name, dimension, EmbeddingModel: embeddingModel), cancellationToken), embedder);
    }

    /// <summary>The model that embeds <paramref name="collection"/>'s chunks: its own, else <paramref name="fallbackModel"/>.</summary>
    public static Task<IEmbeddingGenerator<string, Embedding<float>>> EmbedderForAsync(
        ModelCatalog catalog, IVectorCollection collection, string fallbackModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(collection);
        return catalog.GetEmbeddingGeneratorAsync(collection.Spec.EmbeddingModel ?? fallbackModel, cancellationToken);
    }

    /// <summary>The length of the vectors <paramref name="embedder"/> makes.</summary>
    public static async Task<int> DimensionOfAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return (await embedder.GenerateAsync(["dimension probe"], cancellationToken: cancellationToken))[0].Vector.Length;
    }

    /// <summary>
    /// The ingestion pipeline into <paramref name="collection"/>, chunking by MiniLM tokens; web pages only when
    /// <paramref name="loaderOptions"/> allow URLs (off by default); steps are logged to <paramref name="logger"/> when given.
    /// </summary>
    public static IngestionPipeline Pipeline(
        IVectorCollection collection, IngestionLedger ledger, IEmbeddingGenerator<string, Embedding<float>> embedder,
        int chunkTokens = DefaultChunkTokens, int overlapTokens = DefaultOverlapTokens, DocumentLoaderOptions? loaderOptions = null, ILogger? logger = null)
    {
        var chunker = new RecursiveChunker(new MiniLmTokenCounter(), new ChunkingOptions { MaxTokens = chunkTokens, OverlapTokens = overlapTokens });
        return new IngestionPipeline(collection, ledger, embedder, new DocumentLoader(loaderOptions), chunker, logger: logger);
    }
}
