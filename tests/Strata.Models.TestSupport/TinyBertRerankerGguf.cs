using Strata.Models.Formats.Gguf;

namespace Strata.Models.TestSupport;

/// <summary>
/// Writes a tiny BERT-architecture GGUF reranker (WordPiece vocabulary, rank pooling, a classification head) that
/// llama.cpp loads and scores with, whose score follows a rule a test can check. Its weights are designed, not trained:
/// every token embeds as the same vector except the keyword's, which also carries dimension 0; attention's query and
/// key weights are zero, so each token attends evenly to its own sequence, and the value weights pass dimension 0 alone;
/// the feed-forward weights are zero. So the [CLS] token's state after the block says what share of the pair's tokens are
/// the keyword, and the head (cls: tanh of dimension 0; cls.output: a scale and a shift) turns that share into the logit.
/// <see cref="Logit"/> computes it in managed code: the score rises with the keyword's share of the tokens
/// <c>[CLS] query [SEP] document [SEP]</c>, and does not depend on which other sequences share the batch.
/// </summary>
public static class TinyBertRerankerGguf
{
    /// <summary>The word whose share of a pair's tokens the score follows.</summary>
    public const string Keyword = "apple";

    /// <summary>Words with a token of their own (any other word is [UNK]); all but <see cref="Keyword"/> embed alike.</summary>
    public static readonly IReadOnlyList<string> Words = [Keyword, "red", "green", "pie", "tree", "one", "two", "three", "four", "word", "query", "document"];

    /// <summary>The token ids BERT vocabularies use, which llama.cpp also assumes for a "bert" tokenizer.</summary>
    public const int PadId = 0, UnknownId = 100, ClsId = 101, SepId = 102, MaskId = 103;

    /// <summary>The window the model was trained for (and its position embeddings' length).</summary>
    public const int ContextLength = 512;

    private const int Width = 8;
    private const int FeedForward = 8;
    private const float Epsilon = 1e-12f;
    private const float KeywordMark = 4f;
    private const float HeadScale = 4f;
    private const float HeadShift = -1f;

    // llama_token_type: normal, unknown, control, unused.
    private const int NormalToken = 1, UnknownToken = 2, ControlToken = 3, UnusedToken = 5;

    /// <summary>The logit llama.cpp should give a pair of <paramref name="totalTokens"/> tokens, <paramref name="keywordTokens"/> of them the keyword.</summary>
    public static double Logit(int keywordTokens, int totalTokens)
    {
        var keyword = LayerNorm(Embedding(isKeyword: true));
        var mixed = LayerNorm(Embedding(isKeyword: false));
        // Even attention over the sequence, value = dimension 0 only, output projection = identity: a residual on dimension 0.
        mixed[0] += keyword[0] * keywordTokens / totalTokens;
        var state = LayerNorm(LayerNorm(mixed));
        return (HeadScale * Math.Tanh(state[0])) + HeadShift;
    }

    /// <summary>The tokens of <c>[CLS] query [SEP] document [SEP]</c> for plain space-separated words.</summary>
    public static int PairTokens(string query, string document) => Count(query) + Count(document) + 3;

    /// <summary>How often <see cref="Keyword"/> is a word of <paramref name="text"/>.</summary>
    public static int KeywordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w == Keyword);

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Write(string path) => Build().Write(path);

    /// <summary>Builds the model without writing it, for variants (a missing head, another pooling).</summary>
    public static GgufWriter Build()
    {
        var tokens = Vocabulary();
        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("bert"))
            .Add("general.name", GgufValue.String("tiny-bert-reranker"))
            .Add("general.file_type", GgufValue.UInt32(0))
            .Add("bert.context_length", GgufValue.UInt32(ContextLength))
            .Add("bert.embedding_length", GgufValue.UInt32(Width))
            .Add("bert.feed_forward_length", GgufValue.UInt32(FeedForward))
            .Add("bert.block_count", GgufValue.UInt32(1))
            .Add("bert.attention.head_count", GgufValue.UInt32(2))
            .Add("bert.attention.layer_norm_epsilon", GgufValue.Float32(Epsilon))
            .Add("bert.attention.causal", GgufValue.Bool(false))
            .Add("bert.pooling_type", GgufValue.UInt32(GgufRankHead.RankPooling))
            .Add("tokenizer.ggml.model", GgufValue.String("bert"))
            .Add("tokenizer.ggml.tokens", GgufValue.Array(tokens.Select(t => t.Text).ToArray()))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(tokens.Select(t => t.Type).ToArray()))
            .Add("tokenizer.ggml.token_type_count", GgufValue.UInt32(2))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32(ClsId))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32(SepId))
            .Add("tokenizer.ggml.seperator_token_id", GgufValue.UInt32(SepId))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(UnknownId))
            .Add("tokenizer.ggml.padding_token_id", GgufValue.UInt32(PadId))
            .Add("tokenizer.ggml.mask_token_id", GgufValue.UInt32(MaskId))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_sep_token", GgufValue.Bool(false));
        AddWeights(writer, tokens.Count, tokens.FindIndex(t => t.Text == "\u2581" + Keyword));
        return writer;
    }

    /// <summary>The model with its classification head taken out: it still declares rank pooling, which aborts llama.cpp at the first score.</summary>
    public static GgufWriter WithoutHead(GgufWriter file)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var name in new[] { "cls.weight", "cls.bias", "cls.output.weight", "cls.output.bias" })
        {
            file.RemoveTensor(name);
        }

        return file;
    }

    private static List<(string Text, int Type)> Vocabulary()
    {
        var tokens = new List<(string Text, int Type)> { ("[PAD]", ControlToken) };
        tokens.AddRange(Enumerable.Range(1, UnknownId - 1).Select(i => ($"[unused{i}]", UnusedToken)));
        tokens.Add(("[UNK]", UnknownToken));
        tokens.Add(("[CLS]", ControlToken));
        tokens.Add(("[SEP]", ControlToken));
        tokens.Add(("[MASK]", ControlToken));
        // llama.cpp's WordPiece reads a word-initial piece with a leading U+2581, as its converter writes BERT vocabularies.
        tokens.AddRange(Words.Select(w => ("\u2581" + w, NormalToken)));
        return tokens;
    }

    private static void AddWeights(GgufWriter writer, int vocabulary, int keywordId)
    {
        // ggml's ne[0] is the input width: a Linear(in, out) weight is [in, out], output row r at r × in.
        var embeddings = new float[Width * vocabulary];
        for (var token = 0; token < vocabulary; token++)
        {
            Embedding(token == keywordId).Select(v => (float)v).ToArray().CopyTo(embeddings, token * Width);
        }

        writer.AddTensor("token_embd.weight", [Width, (ulong)vocabulary], embeddings);
        writer.AddTensor("token_types.weight", [Width, 2], new float[Width * 2]);
        writer.AddTensor("position_embd.weight", [Width, ContextLength], new float[Width * ContextLength]);
        writer.AddTensor("token_embd_norm.weight", [Width], Ones(Width));
        writer.AddTensor("token_embd_norm.bias", [Width], new float[Width]);

        var valueOfDimensionZero = new float[Width * Width];
        valueOfDimensionZero[0] = 1;
        var identity = new float[Width * Width];
        for (var i = 0; i < Width; i++)
        {
            identity[(i * Width) + i] = 1;
        }

        writer.AddTensor("blk.0.attn_q.weight", [Width, Width], new float[Width * Width]);
        writer.AddTensor("blk.0.attn_q.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.attn_k.weight", [Width, Width], new float[Width * Width]);
        writer.AddTensor("blk.0.attn_k.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.attn_v.weight", [Width, Width], valueOfDimensionZero);
        writer.AddTensor("blk.0.attn_v.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.attn_output.weight", [Width, Width], identity);
        writer.AddTensor("blk.0.attn_output.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.attn_output_norm.weight", [Width], Ones(Width));
        writer.AddTensor("blk.0.attn_output_norm.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.ffn_up.weight", [Width, FeedForward], new float[Width * FeedForward]);
        writer.AddTensor("blk.0.ffn_up.bias", [FeedForward], new float[FeedForward]);
        writer.AddTensor("blk.0.ffn_down.weight", [FeedForward, Width], new float[FeedForward * Width]);
        writer.AddTensor("blk.0.ffn_down.bias", [Width], new float[Width]);
        writer.AddTensor("blk.0.layer_output_norm.weight", [Width], Ones(Width));
        writer.AddTensor("blk.0.layer_output_norm.bias", [Width], new float[Width]);

        // The head: tanh(dimension 0), then scale and shift into one logit.
        var dense = new float[Width * Width];
        dense[0] = 1;
        writer.AddTensor("cls.weight", [Width, Width], dense);
        writer.AddTensor("cls.bias", [Width], new float[Width]);
        var output = new float[Width];
        output[0] = HeadScale;
        writer.AddTensor("cls.output.weight", [Width, 1], output);
        writer.AddTensor("cls.output.bias", [1], [HeadShift]);
    }

    // Every token: +1, −1 alternating over dimensions 1..6 (mean 0, so layer norm leaves dimension 0 at 0); the keyword
    // also marks dimension 0.
    private static double[] Embedding(bool isKeyword) => [isKeyword ? KeywordMark : 0, 1, -1, 1, -1, 1, -1, 0];

    private static double[] LayerNorm(double[] x)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        var scale = 1 / Math.Sqrt(variance + Epsilon);
        return [.. x.Select(v => (v - mean) * scale)];
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    private static int Count(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
