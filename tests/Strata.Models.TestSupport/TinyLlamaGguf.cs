using Strata.Models.Formats.Gguf;

namespace Strata.Models.TestSupport;

/// <summary>
/// Writes a tiny llama-architecture model with random weights that llama.cpp loads and generates with:
/// a real model file for tests and demos, with no download. It talks nonsense, deterministically.
/// </summary>
public static class TinyLlamaGguf
{
    // SentencePiece token types as llama.cpp numbers them (llama_token_type).
    private const int NormalToken = 1;
    private const int UnknownToken = 2;
    private const int ControlToken = 3;
    private const int ByteToken = 6;

    /// <summary>The id of <c>&lt;unk&gt;</c>.</summary>
    public const uint UnknownTokenId = 0;

    /// <summary>The id of <c>&lt;s&gt;</c>, the beginning-of-sequence token.</summary>
    public const uint BeginTokenId = 1;

    /// <summary>The id of <c>&lt;/s&gt;</c>, the end-of-sequence token.</summary>
    public const uint EndTokenId = 2;

    /// <summary>Writes the model to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, TinyLlamaOptions? options = null) => Build(options ?? new TinyLlamaOptions()).Write(path);

    /// <summary>Builds the model without writing it, for callers that want to add metadata or write elsewhere.</summary>
    public static GgufWriter Build(TinyLlamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EmbeddingLength % options.HeadCount != 0 || options.HeadCount % options.KeyValueHeadCount != 0)
        {
            throw new ArgumentException("the embedding length must split evenly into heads, and the heads into key/value heads", nameof(options));
        }

        var vocabulary = Vocabulary(options.Words);
        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("llama"))
            .Add("general.name", GgufValue.String(options.Name))
            .Add("general.file_type", GgufValue.UInt32(FileType(options.TensorType)))
            // llama.cpp reads these with strict types: u32 counts, an f32 epsilon.
            .Add("llama.context_length", GgufValue.UInt32((uint)options.ContextLength))
            .Add("llama.embedding_length", GgufValue.UInt32((uint)options.EmbeddingLength))
            .Add("llama.block_count", GgufValue.UInt32((uint)options.BlockCount))
            .Add("llama.feed_forward_length", GgufValue.UInt32((uint)options.FeedForwardLength))
            .Add("llama.attention.head_count", GgufValue.UInt32((uint)options.HeadCount))
            .Add("llama.attention.head_count_kv", GgufValue.UInt32((uint)options.KeyValueHeadCount))
            .Add("llama.rope.dimension_count", GgufValue.UInt32((uint)(options.EmbeddingLength / options.HeadCount)))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
            .Add("llama.vocab_size", GgufValue.UInt32((uint)vocabulary.Count))
            .Add("tokenizer.ggml.model", GgufValue.String("llama"))
            .Add("tokenizer.ggml.tokens", GgufValue.Array(vocabulary.Select(token => token.Text).ToArray()))
            .Add("tokenizer.ggml.scores", GgufValue.Array(vocabulary.Select(token => token.Score).ToArray()))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(vocabulary.Select(token => token.Type).ToArray()))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(UnknownTokenId))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32(BeginTokenId))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32(EndTokenId))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(false));
        if (options.ChatTemplate is not null)
        {
            writer.Add("tokenizer.chat_template", GgufValue.String(options.ChatTemplate));
        }

        AddWeights(writer, options, (ulong)vocabulary.Count);
        return writer;
    }

    private static List<(string Text, float Score, int Type)> Vocabulary(IReadOnlyList<string> words)
    {
        var tokens = new List<(string Text, float Score, int Type)>
        {
            ("<unk>", 0, UnknownToken),
            ("<s>", 0, ControlToken),
            ("</s>", 0, ControlToken),
            ("<|im_start|>", 0, ControlToken),
            ("<|im_end|>", 0, ControlToken),
        };

        // Byte fallback: any text the pieces cannot cover still tokenizes, one byte a token.
        tokens.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f, ByteToken)));

        // The SentencePiece tokenizer builds a word by merging adjacent pieces, so every prefix of a word must be a
        // token; longer pieces score higher so the merge prefers them.
        var pieces = new List<string> { "▁" };
        pieces.AddRange(Enumerable.Range('a', 26).Select(c => ((char)c).ToString()));
        foreach (var word in words)
        {
            var piece = "▁" + word;
            pieces.AddRange(Enumerable.Range(2, piece.Length - 1).Select(length => piece[..length]));
        }

        tokens.AddRange(pieces.Distinct(StringComparer.Ordinal).Select(piece => (piece, (float)piece.Length, NormalToken)));
        return tokens;
    }

    private static void AddWeights(GgufWriter writer, TinyLlamaOptions options, ulong vocabularySize)
    {
        var random = new Random(options.Seed);
        var embedding = (ulong)options.EmbeddingLength;
        var keyValueWidth = embedding / (ulong)options.HeadCount * (ulong)options.KeyValueHeadCount;
        var feedForward = (ulong)options.FeedForwardLength;

        var firstBlock = new Dictionary<string, float[]>(StringComparer.Ordinal);
        void Matrix(string name, ulong inputs, ulong outputs)
        {
            // blk.N.attn_q.weight shares blk.0.attn_q.weight's values when blocks repeat.
            var role = name.StartsWith("blk.", StringComparison.Ordinal) ? name[(name.IndexOf('.', 4) + 1)..] : null;
            var values = options.RepeatBlockWeights && role is not null && firstBlock.TryGetValue(role, out var repeated)
                ? repeated
                : Normal(random, checked((int)(inputs * outputs)), options.WeightScale);
            if (options.RepeatBlockWeights && role is not null)
            {
                firstBlock.TryAdd(role, values);
            }

            writer.AddTensor(name, [inputs, outputs], values, options.TensorType);
        }

        void Norm(string name) => writer.AddTensor(name, [embedding], Enumerable.Repeat(1f, (int)embedding).ToArray());

        // ggml's ne[0] is the input width: a Linear(in, out) weight is written as [in, out].
        Matrix("token_embd.weight", embedding, vocabularySize);
        for (var block = 0; block < options.BlockCount; block++)
        {
            Norm($"blk.{block}.attn_norm.weight");
            Matrix($"blk.{block}.attn_q.weight", embedding, embedding);
            Matrix($"blk.{block}.attn_k.weight", embedding, keyValueWidth);
            Matrix($"blk.{block}.attn_v.weight", embedding, keyValueWidth);
            Matrix($"blk.{block}.attn_output.weight", embedding, embedding);
            Norm($"blk.{block}.ffn_norm.weight");
            Matrix($"blk.{block}.ffn_gate.weight", embedding, feedForward);
            Matrix($"blk.{block}.ffn_up.weight", embedding, feedForward);
            Matrix($"blk.{block}.ffn_down.weight", feedForward, embedding);
        }

        Norm("output_norm.weight");
        Matrix("output.weight", embedding, vocabularySize);
    }

    // llama.cpp's llama_ftype: ALL_F32, MOSTLY_F16, MOSTLY_Q8_0.
    private static uint FileType(GgmlType type) => type switch
    {
        GgmlType.F16 => 1,
        GgmlType.Q8_0 => 7,
        _ => 0,
    };

    // Box-Muller: System.Random has no normal distribution, and a seeded one keeps files reproducible.
    private static float[] Normal(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2) * scale);
        }

        return values;
    }

    /// <summary>
    /// Renames the 256 byte tokens to plain pieces. Such a model loads, but llama.cpp's SentencePiece tokenizer throws
    /// <c>std::out_of_range</c> on a character it has no piece for (say "é"), which aborts the process: a real native crash
    /// for tests of what a crash does.
    /// </summary>
    public static GgufWriter WithoutByteTokens(GgufWriter file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var tokens = ((string[])file.Metadata["tokenizer.ggml.tokens"].Value).ToArray();
        var types = ((int[])file.Metadata["tokenizer.ggml.token_type"].Value).ToArray();
        for (var id = 0; id < tokens.Length; id++)
        {
            if (tokens[id].StartsWith("<0x", StringComparison.Ordinal))
            {
                tokens[id] = $"unused-{id}";
                types[id] = NormalToken;
            }
        }

        return file.Set("tokenizer.ggml.tokens", GgufValue.Array(tokens)).Set("tokenizer.ggml.token_type", GgufValue.Array(types));
    }
}
