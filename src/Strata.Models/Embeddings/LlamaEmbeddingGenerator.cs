using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.Llama;

namespace Strata.Models.Embeddings;

/// <summary>
/// Embeddings from a GGUF model through llama.cpp: one vector per input, pooled as the model's metadata says (mean when
/// it says nothing), scaled to unit length.
/// </summary>
/// <remarks>
/// Inputs longer than the context are truncated and flagged like <see cref="OnnxEmbeddingGenerator"/>'s. Every pass runs
/// on one thread of the generator's own (<see cref="LlamaNativeThread"/>), which also makes concurrent requests take turns
/// on llama.cpp's context, which is not thread-safe. The pass is what LLamaSharp's <c>LLamaEmbedder</c> does, made
/// through the synchronous encode and decode: its own goes through <c>Task.Run</c>, a new thread pool thread per input.
/// </remarks>
public sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int MaxDefaultContext = 8192;

    private readonly LLamaWeights weights;
    private readonly LLamaContext context;
    private readonly LlamaNativeThread native;
    private readonly string modelId;
    private readonly int contextSize;

    private LlamaEmbeddingGenerator(LLamaWeights weights, LLamaContext context, string modelId, LLamaPoolingType pooling, int contextSize)
    {
        this.contextSize = contextSize;
        this.weights = weights;
        this.context = context;
        this.modelId = modelId;
        native = new LlamaNativeThread($"llama embeddings {modelId}");
        Pooling = pooling;
        Metadata = new EmbeddingGeneratorMetadata("strata-llama.cpp", null, modelId, context.EmbeddingSize);
    }

    /// <summary>The provider name, model id and vector width.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The width of the vectors (the model's embedding length).</summary>
    public int Dimensions => context.EmbeddingSize;

    /// <summary>How token vectors are pooled into one.</summary>
    public LLamaPoolingType Pooling { get; }

    /// <summary>Loads the GGUF model of <paramref name="manifest"/> for embeddings.</summary>
    /// <exception cref="EmbeddingModelException">The model is not GGUF, its file is missing or damaged, or llama.cpp cannot load it.</exception>
    public static LlamaEmbeddingGenerator FromManifest(ModelManifest manifest, ModelStore store, LlamaEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new LlamaEmbeddingOptions();
        if (manifest.Format != ModelFormat.Gguf || manifest.Files.Count == 0)
        {
            throw new EmbeddingModelException($"Model '{manifest.Name}' is {manifest.Format}, not a GGUF model.");
        }

        var path = store.PathOf(manifest.Files[0]);
        // Reading the header in managed code first turns a damaged file into a clear message instead of a native crash.
        GgufFile gguf;
        try
        {
            gguf = GgufReader.Read(path);
        }
        catch (Exception e) when (e is GgufFormatException or IOException)
        {
            throw new EmbeddingModelException($"Model '{manifest.Name}' cannot be read as GGUF: {e.Message}", e);
        }

        var architecture = gguf.GetString("general.architecture") ?? "llama";
        var trained = gguf.GetInteger($"{architecture}.context_length") ?? 512;
        var contextSize = (uint)Math.Max(8, options.ContextSize ?? (int)Math.Min(trained, MaxDefaultContext));
        LlamaNativeLog.EnsureInstalled();
        var parameters = new ModelParams(path)
        {
            ContextSize = contextSize,
            // Embedding a text is one forward pass over all of it, so a batch must hold a whole input.
            BatchSize = contextSize,
            UBatchSize = contextSize,
            GpuLayerCount = 0,
            Embeddings = true,
            PoolingType = PoolingFrom(gguf, architecture),
            LoadMode = LlamaWeightPlacement.For(path),
        };
        if (options.Threads is { } threads)
        {
            parameters.Threads = threads;
            parameters.BatchThreads = threads;
        }

        LLamaWeights? weights = null;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
            if (weights.NativeHandle is { HasEncoder: true, HasDecoder: true })
            {
                throw new NotSupportedException("an encoder-decoder model has no single pass to take embeddings from");
            }

            var context = weights.CreateContext(parameters);
            return new LlamaEmbeddingGenerator(weights, context, options.ModelId ?? manifest.Name, parameters.PoolingType, (int)contextSize);
        }
        catch (Exception e) when (e is not EmbeddingModelException)
        {
            weights?.Dispose();
            throw new EmbeddingModelException($"llama.cpp could not load model '{manifest.Name}' for embeddings: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        RequestedDimensions.Check(options, Dimensions, modelId);
        var texts = values.ToList();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"Input {i} is null; every input must be a string.", nameof(values));
            var fit = LlamaContextFit.Fit(weights, contextSize, text);
            var vector = await native.RunAsync(() => Embed(fit.Text), cancellationToken);
            MeanPooling.Normalize(vector);
            embeddings.Add(new Embedding<float>(vector)
            {
                ModelId = modelId,
                CreatedAt = DateTimeOffset.UtcNow,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [OnnxEmbeddingGenerator.TruncatedProperty] = fit.Truncated,
                    [OnnxEmbeddingGenerator.TokenCountProperty] = fit.TokenCount,
                },
            });
        }

        return embeddings;
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
    public void Dispose()
    {
        // The thread first finishes the passes queued on the context.
        native.Dispose();
        context.Dispose();
        weights.Dispose();
    }

    /// <summary>One forward pass over <paramref name="text"/> and its pooled vector; on the native thread only.</summary>
    private float[] Embed(string text)
    {
        var tokens = context.Tokenize(text);
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        }

        context.NativeHandle.MemoryClear();
        try
        {
            if (LlamaPooledPass.Run(context, batch) is { } failed)
            {
                throw new LlamaInferenceException($"llama.cpp could not embed a text of {tokens.Length} tokens with model '{modelId}': {failed}.");
            }

            // Pooling is never None here (PoolingFrom), so the sequence has one pooled vector.
            if (!LlamaPooledPass.TryGetPooled(context, LLamaSeqId.Zero, out var pooled))
            {
                throw new LlamaInferenceException($"llama.cpp returned no embedding with model '{modelId}'.");
            }

            return pooled.ToArray();
        }
        finally
        {
            context.NativeHandle.MemoryClear();
        }
    }

    /// <summary>
    /// The pooling the model declares (<c>{architecture}.pooling_type</c>, as llama.cpp numbers it); a model that
    /// declares none, like a plain llama, gets mean pooling so each input still yields one vector.
    /// </summary>
    private static LLamaPoolingType PoolingFrom(GgufFile gguf, string architecture)
    {
        var declared = gguf.GetInteger($"{architecture}.pooling_type");
        return declared is > 0 and <= (long)LLamaPoolingType.Last ? (LLamaPoolingType)declared.Value : LLamaPoolingType.Mean;
    }
}
