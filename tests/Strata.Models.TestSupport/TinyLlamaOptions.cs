namespace Strata.Models.TestSupport;

/// <summary>The shape and seed of a model written by <see cref="TinyLlamaGguf"/>.</summary>
public sealed record TinyLlamaOptions
{
    /// <summary>A ChatML template, which llama.cpp recognises by its <c>&lt;|im_start|&gt;</c> markers.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>
    /// A model whose tokens take milliseconds each on one thread (about 20 M weights), for tests that act on a stream
    /// while the model is still writing it: a runner sends its updates without waiting to be asked, so the default
    /// model could write 450 tokens before a client read its first one, leaving nothing to interrupt.
    /// </summary>
    public static TinyLlamaOptions Interruptible => new() { EmbeddingLength = 512, HeadCount = 8, KeyValueHeadCount = 8, BlockCount = 6, FeedForwardLength = 1536 };

    /// <summary>Seeds the random weights: the same seed gives a byte-identical file.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The model's name, written as <c>general.name</c>.</summary>
    public string Name { get; init; } = "tiny-llama";

    /// <summary>
    /// The training context length, <c>llama.context_length</c>. A request's context is capped at it, so the default is
    /// large enough for any context a test configures; a test of the cap sets a smaller one.
    /// </summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>The width of the residual stream, <c>llama.embedding_length</c>; a multiple of <see cref="HeadCount"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>The number of transformer blocks, <c>llama.block_count</c>.</summary>
    public int BlockCount { get; init; } = 2;

    /// <summary>The number of attention heads, <c>llama.attention.head_count</c>.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>The number of key/value heads (grouped-query attention); divides <see cref="HeadCount"/>.</summary>
    public int KeyValueHeadCount { get; init; } = 4;

    /// <summary>The hidden width of the SwiGLU feed-forward layer, <c>llama.feed_forward_length</c>.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>How the matrices are stored: F32 (the default), F16 or Q8_0; norms stay F32, as llama.cpp's own files keep them.</summary>
    public Strata.Models.Formats.Gguf.GgmlType TensorType { get; init; } = Strata.Models.Formats.Gguf.GgmlType.F32;

    /// <summary>
    /// Whether every block stores the first block's random matrices again. The file still holds each block's own copy
    /// (a decode reads them all), but only one block's values are generated and held while writing: a model of real
    /// size (hundreds of millions of weights) is written with a few hundred megabytes of memory, not gigabytes.
    /// </summary>
    public bool RepeatBlockWeights { get; init; }

    /// <summary>The standard deviation of the random weights; small, so activations stay tame.</summary>
    public float WeightScale { get; init; } = 0.02f;

    /// <summary>The chat template written as <c>tokenizer.chat_template</c>; null writes none.</summary>
    public string? ChatTemplate { get; init; } = ChatMlTemplate;

    /// <summary>Words that get their own SentencePiece tokens (with every prefix, so the tokenizer can merge up to them).</summary>
    public IReadOnlyList<string> Words { get; init; } =
        ["hello", "world", "the", "a", "model", "tiny", "llama", "is", "and", "of", "to", "in", "it", "you", "strata"];
}
