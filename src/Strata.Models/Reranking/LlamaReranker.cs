using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Strata.Models.Embeddings;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.Store;

namespace Strata.Models.Reranking;

/// <summary>
/// A GGUF reranker (bge-reranker, jina-reranker and other models with a classification head) on llama.cpp's rank
/// pooling: each (query, document) pair is laid out as llama.cpp's server lays it out (<see cref="LlamaRerankPrompt"/>),
/// and the head's first output for the pair's sequence is its logit; the relevance score is the logit's sigmoid, as
/// <see cref="OnnxCrossEncoderReranker"/> reports. Pairs of a BERT-family encoder share one forward pass as separate
/// sequences, up to the batch's tokens.
/// </summary>
/// <remarks>
/// Everything llama.cpp would abort on is checked in managed code first: the file's header and head
/// (<see cref="GgufRankHead"/>), a pair's length against the window, a batch's tokens against the batch. A BERT-family
/// encoder's context (llama.cpp gives such models no memory) is kept for every batch; any other model's is made afresh
/// for each pair, as LLamaSharp's own embedder does, so no sequence state outlives its batch. llama.cpp's context is not
/// thread-safe, so concurrent requests take turns.
/// </remarks>
public sealed class LlamaReranker : IReranker
{
    /// <summary>The window a pair gets when the model's trained context is longer: rerankers read passages, not books.</summary>
    public const int DefaultContextSize = 512;

    private const int MaxSequencesPerBatch = 16;

    // The architectures for which llama.cpp keeps no memory between batches (no KV cache: non-causal encoders), so one
    // context can serve every batch and several pairs can share a pass.
    private static readonly HashSet<string> StatelessEncoders = new(StringComparer.Ordinal) { "bert", "jina-bert-v2", "nomic-bert", "nomic-bert-moe", "neo-bert", "modern-bert" };

    private readonly LLamaWeights weights;
    private readonly ModelParams parameters;
    private readonly LlamaRerankPrompt prompt;
    private readonly bool stateless;
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly LlamaNativeThread native;
    private LLamaContext? kept;

    private LlamaReranker(LLamaWeights weights, ModelParams parameters, LlamaRerankPrompt prompt, bool stateless, string modelId)
    {
        this.weights = weights;
        this.parameters = parameters;
        this.prompt = prompt;
        this.stateless = stateless;
        ModelId = modelId;
        // Each pass runs on this one thread, not through LLamaSharp's Task.Run (LlamaNativeThread says why).
        native = new LlamaNativeThread($"llama reranker {modelId}");
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <summary>The most tokens one (query, document) pair keeps.</summary>
    public int PairTokenLimit => prompt.Limit;

    /// <summary>Loads the stored GGUF reranker of <paramref name="manifest"/>.</summary>
    /// <exception cref="RerankerModelException">The model is not GGUF, is not a reranker, or llama.cpp cannot load it.</exception>
    public static LlamaReranker FromManifest(ModelManifest manifest, ModelStore store, LlamaEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        if (manifest.Format != ModelFormat.Gguf || manifest.Files.Count == 0)
        {
            throw new RerankerModelException($"Model '{manifest.Name}' is {manifest.Format}, not a GGUF model.");
        }

        return FromFile(store.PathOf(manifest.Files[0]), manifest.Name, options);
    }

    /// <summary>Loads the GGUF reranker at <paramref name="path"/> (a stored model's file, or one on trial before import).</summary>
    /// <exception cref="RerankerModelException">The file is not a reranker llama.cpp can run, or llama.cpp cannot load it.</exception>
    public static LlamaReranker FromFile(string path, string name, LlamaEmbeddingOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new LlamaEmbeddingOptions();
        var gguf = ReadHeader(path, name);
        var architecture = gguf.GetString("general.architecture") ?? "llama";
        var trained = gguf.GetInteger($"{architecture}.context_length") ?? DefaultContextSize;
        var window = (uint)Math.Clamp(options.ContextSize ?? DefaultContextSize, 8, Math.Max(8, trained));
        // A BERT-family encoder attends only within a sequence and keeps nothing between batches, so pairs share a pass
        // and the context is kept; any other model (a causal reranker keeps a cache per sequence, which a shared window
        // would split into slivers) scores one pair per pass on a fresh context.
        var stateless = StatelessEncoders.Contains(architecture) &&
            !(gguf.Metadata.TryGetValue($"{architecture}.attention.causal", out var causal) && causal.Value is true);
        LlamaNativeLog.EnsureInstalled();
        var parameters = new ModelParams(path)
        {
            ContextSize = window,
            // Non-causal attention needs a whole batch in one micro-batch (llama.cpp asserts it), so the two are equal.
            BatchSize = window,
            UBatchSize = window,
            SeqMax = stateless ? MaxSequencesPerBatch : 1u,
            GpuLayerCount = 0,
            Embeddings = true,
            PoolingType = LLamaPoolingType.Rank,
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
            var prompt = Prompt(weights, gguf, (int)window);
            return new LlamaReranker(weights, parameters, prompt, stateless, options.ModelId ?? name);
        }
        catch (Exception e) when (e is not RerankerModelException)
        {
            weights?.Dispose();
            throw new RerankerModelException($"llama.cpp could not load model '{name}' as a reranker: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, int? topN = null, CancellationToken cancellationToken = default)
    {
        var logits = await ScoreAsync(query, documents, cancellationToken);
        return [.. RerankOrder.Rank([.. logits.Select(RerankOrder.Sigmoid)], topN)];
    }

    /// <summary>The classification head's first output for each (query, document) pair, in document order.</summary>
    public async Task<float[]> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        await turn.WaitAsync(cancellationToken);
        try
        {
            var pairs = documents.Select((d, i) => prompt.Encode(query, d ?? throw new ArgumentException($"Document {i} is null.", nameof(documents)))).ToArray();
            var scores = new float[pairs.Length];
            foreach (var batch in Batches(pairs))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await ScoreBatchAsync(pairs, batch, scores, cancellationToken);
            }

            return scores;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>The tokens of the (query, document) pair as this model reads it, cut to <see cref="PairTokenLimit"/>.</summary>
    public int CountPairTokens(string query, string document)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(document);
        return prompt.Encode(query, document).Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The thread first finishes the pass it has on a context.
        native.Dispose();
        kept?.Dispose();
        weights.Dispose();
        turn.Dispose();
    }

    /// <summary>Checks, in managed code, that the GGUF file at <paramref name="path"/> is a reranker llama.cpp can run.</summary>
    /// <exception cref="RerankerModelException">It is damaged, is not a reranker, or its head is incomplete.</exception>
    public static void CheckFile(string path, string name) => ReadHeader(path, name);

    private static GgufFile ReadHeader(string path, string name)
    {
        // Reading the header in managed code first turns a damaged file, or a head llama.cpp would abort on, into a message.
        GgufFile gguf;
        try
        {
            gguf = GgufReader.Read(path);
        }
        catch (Exception e) when (e is GgufFormatException or IOException)
        {
            throw new RerankerModelException($"Model '{name}' cannot be read as GGUF: {e.Message}", e);
        }

        if (!GgufRankHead.IsReranker(gguf))
        {
            throw new RerankerModelException(
                $"Model '{name}' is not a reranker: a GGUF reranker declares rank pooling or has a classification head (cls.weight, cls.output.weight); this one has neither.");
        }

        return GgufRankHead.Problem(gguf) is { } problem
            ? throw new RerankerModelException($"Model '{name}' cannot rerank: {problem}.")
            : gguf;
    }

    private static LlamaRerankPrompt Prompt(LLamaWeights weights, GgufFile gguf, int window)
    {
        var vocabulary = weights.Vocab;
        var end = vocabulary.ShouldAddEOS ? vocabulary.EOS ?? vocabulary.SEP : null;
        // LLamaSharp does not expose llama_vocab_get_add_sep; llama.cpp reads it from this key and defaults it to true
        // for BERT (WordPiece) vocabularies only.
        var addsSeparator = gguf.Metadata.TryGetValue("tokenizer.ggml.add_sep_token", out var flag)
            ? flag.Value is true
            : gguf.GetString("tokenizer.ggml.model") == "bert";
        return new LlamaRerankPrompt(
            (text, special) => [.. weights.Tokenize(text, false, special, Encoding.UTF8).Select(t => (int)t)],
            vocabulary.ShouldAddBOS ? (int?)vocabulary.BOS : null,
            end is { } e ? (int)e : null,
            addsSeparator && vocabulary.SEP is { } separator ? (int)separator : null,
            gguf.GetString("tokenizer.chat_template.rerank"),
            window);
    }

    /// <summary>Consecutive pairs whose tokens fit one batch (one pair per batch for a causal model).</summary>
    private IEnumerable<Range> Batches(int[][] pairs)
    {
        var start = 0;
        while (start < pairs.Length)
        {
            var end = start + 1;
            var tokens = pairs[start].Length;
            while (stateless && end < pairs.Length && end - start < MaxSequencesPerBatch && tokens + pairs[end].Length <= prompt.Limit)
            {
                tokens += pairs[end++].Length;
            }

            yield return start..end;
            start = end;
        }
    }

    private async Task ScoreBatchAsync(int[][] pairs, Range range, float[] scores, CancellationToken cancellationToken)
    {
        var (offset, count) = range.GetOffsetAndLength(pairs.Length);
        // Measured with a MiniLM-L6-shaped reranker, 20 pairs of 112 tokens in batches of four: a fresh context per batch
        // cost two to three times one kept context (5.0-7.4 s against 1.8-2.7 s a query on a loaded 2-core machine).
        var context = stateless ? kept ??= weights.CreateContext(parameters) : weights.CreateContext(parameters);
        try
        {
            await ScoreBatchAsync(context, pairs, offset, count, scores, cancellationToken);
        }
        finally
        {
            if (!stateless)
            {
                context.Dispose();
            }
        }
    }

    private async Task ScoreBatchAsync(LLamaContext context, int[][] pairs, int offset, int count, float[] scores, CancellationToken cancellationToken)
    {
        var batch = new LLamaBatch();
        for (var sequence = 0; sequence < count; sequence++)
        {
            var tokens = pairs[offset + sequence];
            for (var position = 0; position < tokens.Length; position++)
            {
                batch.Add((LLamaToken)tokens[position], position, (LLamaSeqId)sequence, true);
            }
        }

        var failed = await native.RunAsync(() => LlamaPooledPass.Run(context, batch), cancellationToken);
        if (failed is not null)
        {
            throw new LlamaInferenceException($"llama.cpp could not score {count} pair(s) with model '{ModelId}': {failed}.");
        }

        for (var sequence = 0; sequence < count; sequence++)
        {
            if (!LlamaPooledPass.TryGetPooled(context, (LLamaSeqId)sequence, out var output))
            {
                throw new LlamaInferenceException($"llama.cpp returned no score for pair {offset + sequence} with model '{ModelId}'.");
            }

            scores[offset + sequence] = output[0];
        }
    }
}
