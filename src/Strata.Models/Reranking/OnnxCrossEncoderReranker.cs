using Microsoft.ML.OnnxRuntime;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Models.Reranking;

/// <summary>
/// A cross-encoder reranker on ONNX Runtime: each (query, document) pair is read as one BERT input
/// ([CLS] query [SEP] document [SEP]) and scored by the model's first logit; the relevance score is the logit's sigmoid,
/// as sentence-transformers' <c>CrossEncoder</c> reports for one-label models such as cross-encoder/ms-marco-MiniLM-L-6-v2.
/// Pairs go to the model in batches of similar length. One instance is safe to use from several threads at once.
/// </summary>
public sealed class OnnxCrossEncoderReranker : IReranker
{
    private readonly CrossEncoderGraph graph;
    private readonly SentenceTokenizer tokenizer;
    private readonly int maxBatchSize;

    private OnnxCrossEncoderReranker(CrossEncoderGraph graph, SentenceTokenizer tokenizer, int maxBatchSize, string modelId)
    {
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.maxBatchSize = maxBatchSize;
        ModelId = modelId;
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <summary>Loads a stored cross-encoder: an <c>.onnx</c> graph with <c>vocab.txt</c> or a WordPiece <c>tokenizer.json</c>.</summary>
    /// <exception cref="RerankerModelException">The model is not ONNX, has no tokenizer, or its graph is not a cross-encoder.</exception>
    public static OnnxCrossEncoderReranker FromManifest(ModelManifest manifest, ModelStore store, OnnxEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new OnnxEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        if (manifest.Format != ModelFormat.Onnx)
        {
            throw new RerankerModelException($"Model '{manifest.Name}' is {manifest.Format}; the ONNX reranker needs an ONNX cross-encoder.");
        }

        try
        {
            var folder = new ModelFolder(manifest, store);
            var tokenizer = SentenceTokenizerLoader.Load(folder, options.MaxTokens);
            var graph = new CrossEncoderGraph(folder.OnnxGraph(), manifest.Name, options.IntraOpThreads);
            return new OnnxCrossEncoderReranker(graph, tokenizer, options.MaxBatchSize, options.ModelId ?? manifest.Name);
        }
        catch (EmbeddingModelException e)
        {
            throw new RerankerModelException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, int? topN = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        var pairs = documents.Select((d, i) => tokenizer.EncodePair(query, d ?? throw new ArgumentException($"Document {i} is null.", nameof(documents)))).ToArray();
        var logits = LengthBatches.Run(pairs, p => p.Ids.Length, maxBatchSize, (batch, run) => graph.Score(batch, tokenizer.PaddingId, run), cancellationToken);
        var scores = logits.Select(logit => RerankOrder.Sigmoid(logit)).ToArray();

        IReadOnlyList<RerankResult> ranked = [.. RerankOrder.Rank(scores, topN)];
        return Task.FromResult(ranked);
    }

    /// <inheritdoc />
    public void Dispose() => graph.Dispose();
}
