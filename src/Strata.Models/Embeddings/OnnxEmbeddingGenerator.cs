using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Strata.Models.Store;

namespace Strata.Models.Embeddings;

/// <summary>
/// Sentence embeddings from a sentence-transformers ONNX model (all-MiniLM-L6-v2 and its BERT-family kin) on ONNX
/// Runtime: word-piece tokenisation, mean pooling over the attention mask, L2 normalisation.
/// </summary>
/// <remarks>
/// Inputs longer than the model reads are truncated; each embedding says so in its
/// <see cref="Embedding.AdditionalProperties"/> (<see cref="TruncatedProperty"/>, <see cref="TokenCountProperty"/>).
/// A request is split into batches of inputs of similar length, so short inputs are not padded to a long one's length;
/// results come back in request order. One instance is safe to use from several threads at once.
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The additional property that is true when an input was cut to the model's limit.</summary>
    public const string TruncatedProperty = "truncated";

    /// <summary>The additional property holding the input's word-piece count before truncation, special tokens included.</summary>
    public const string TokenCountProperty = "tokens";

    private readonly OnnxSentenceGraph graph;
    private readonly SentenceTokenizer tokenizer;
    private readonly int maxBatchSize;
    private readonly string modelId;

    private OnnxEmbeddingGenerator(OnnxSentenceGraph graph, SentenceTokenizer tokenizer, OnnxEmbeddingOptions options, string modelId)
    {
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.modelId = modelId;
        maxBatchSize = options.MaxBatchSize;
        if (graph.Dimensions == 0)
        {
            // The graph leaves its width open: one tiny run tells it, so the metadata is right before the first request.
            using var runOptions = new RunOptions();
            graph.Embed([tokenizer.Encode(string.Empty).Ids], tokenizer.PaddingId, runOptions);
        }

        Metadata = new EmbeddingGeneratorMetadata("strata-onnx", null, modelId, graph.Dimensions);
    }

    /// <summary>The provider name, model id and vector width.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The width of the vectors.</summary>
    public int Dimensions => graph.Dimensions;

    /// <summary>The most word pieces (special tokens included) the model reads of one input.</summary>
    public int MaxTokens => tokenizer.MaxTokens;

    /// <summary>
    /// Creates the generator for a stored sentence-transformers model: an <c>.onnx</c> graph with <c>vocab.txt</c> or a
    /// WordPiece <c>tokenizer.json</c>, optionally <c>sentence_bert_config.json</c>, <c>tokenizer_config.json</c> and <c>config.json</c>.
    /// </summary>
    /// <exception cref="EmbeddingModelException">The model has no tokenizer, its graph is damaged, or it is not a BERT-style encoder.</exception>
    public static OnnxEmbeddingGenerator FromManifest(ModelManifest manifest, ModelStore store, OnnxEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new OnnxEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        if (manifest.Format != ModelFormat.Onnx)
        {
            throw new EmbeddingModelException($"Model '{manifest.Name}' is {manifest.Format}, not an ONNX model.");
        }

        var folder = new ModelFolder(manifest, store);
        var tokenizer = SentenceTokenizerLoader.Load(folder, options.MaxTokens);
        var graph = new OnnxSentenceGraph(folder.OnnxGraph(), manifest.Name, options.IntraOpThreads);
        try
        {
            return new OnnxEmbeddingGenerator(graph, tokenizer, options, options.ModelId ?? manifest.Name);
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the generator for the stored model <paramref name="name"/>; a built-in model (see
    /// <see cref="BuiltInEmbeddingModels"/>) is registered in the store first if it is not there yet.
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such model is stored and none is built in.</exception>
    public static async Task<OnnxEmbeddingGenerator> FromStoreAsync(ModelStore store, string name, OnnxEmbeddingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var manifest = BuiltInEmbeddingModels.IsBuiltIn(name)
            ? await BuiltInEmbeddingModels.EnsureAsync(store, name, cancellationToken)
            : store.Get(name);
        return FromManifest(manifest, store, options);
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        RequestedDimensions.Check(options, Dimensions, modelId);
        var texts = values.ToList();
        var encoded = new EncodedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            encoded[i] = tokenizer.Encode(texts[i] ?? throw new ArgumentException($"Input {i} is null; every input must be a string.", nameof(values)));
        }

        var vectors = LengthBatches.Run(encoded, e => e.Ids.Length, maxBatchSize, (batch, run) => graph.Embed([.. batch.Select(e => e.Ids)], tokenizer.PaddingId, run), cancellationToken);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Count)
        {
            Usage = new UsageDetails { InputTokenCount = encoded.Sum(e => (long)e.Ids.Length) },
        };
        for (var i = 0; i < texts.Count; i++)
        {
            embeddings.Add(new Embedding<float>(vectors[i])
            {
                ModelId = modelId,
                CreatedAt = created,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [TruncatedProperty] = encoded[i].Truncated,
                    [TokenCountProperty] = encoded[i].TokenCount,
                },
            });
        }

        return Task.FromResult(embeddings);
    }

    /// <summary>
    /// Each text's token embeddings: the encoder's last hidden state for every word piece it reads ([CLS] and [SEP]
    /// included, truncated as <see cref="GenerateAsync"/> truncates), each vector of unit length, in input order.
    /// What late-interaction scoring (ColBERT's MaxSim) compares, token by token.
    /// </summary>
    /// <exception cref="EmbeddingModelException">The model's graph returns pooled vectors only.</exception>
    public IReadOnlyList<float[][]> GenerateTokenEmbeddings(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encoded = texts.Select(text => tokenizer.Encode(text ?? throw new ArgumentException("Every input must be a string.", nameof(texts)))).ToArray();
        return LengthBatches.Run(encoded, e => e.Ids.Length, maxBatchSize, (batch, run) => graph.EmbedTokens([.. batch.Select(e => e.Ids)], tokenizer.PaddingId, run), cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => graph.Dispose();
}
