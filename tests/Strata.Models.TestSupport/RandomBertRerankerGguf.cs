using Strata.Models.Formats.Gguf;

namespace Strata.Models.TestSupport;

/// <summary>
/// Writes a BERT-architecture GGUF reranker of a real model's shape with random weights, over a real WordPiece
/// vocabulary (a <c>vocab.txt</c>, converted as llama.cpp's converter writes BERT vocabularies: a word-initial piece gets
/// a leading U+2581, a <c>##</c> continuation loses its <c>##</c>). Its scores mean nothing; its cost per pair is that
/// of the real model of the same shape (the default is ms-marco-MiniLM-L-6-v2's: 6 blocks, 384 wide, 12 heads).
/// </summary>
public static class RandomBertRerankerGguf
{
    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    /// <param name="path">Where the file goes.</param>
    /// <param name="wordPieces">The vocabulary, one WordPiece token per entry in id order (a BERT <c>vocab.txt</c>).</param>
    /// <param name="blocks">Transformer blocks.</param>
    /// <param name="width">The hidden width.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="seed">The random weights' seed.</param>
    /// <param name="matrixType">How the weight matrices are stored (F16 as converters write them, F32 or Q8_0).</param>
    public static void Write(string path, IReadOnlyList<string> wordPieces, int blocks = 6, int width = 384, int heads = 12, int seed = 7, GgmlType matrixType = GgmlType.F16)
    {
        ArgumentNullException.ThrowIfNull(wordPieces);
        const int contextLength = 512;
        var feedForward = 4 * width;
        var tokens = wordPieces.Select(Phantom).ToArray();
        int Id(string special) => Array.IndexOf(tokens, special) is >= 0 and var id ? id : throw new ArgumentException($"the vocabulary has no {special}", nameof(wordPieces));
        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("bert"))
            .Add("general.name", GgufValue.String("random-bert-reranker"))
            .Add("general.file_type", GgufValue.UInt32(matrixType switch { GgmlType.F32 => 0u, GgmlType.Q8_0 => 7u, _ => 1u }))
            .Add("bert.context_length", GgufValue.UInt32(contextLength))
            .Add("bert.embedding_length", GgufValue.UInt32((uint)width))
            .Add("bert.feed_forward_length", GgufValue.UInt32((uint)feedForward))
            .Add("bert.block_count", GgufValue.UInt32((uint)blocks))
            .Add("bert.attention.head_count", GgufValue.UInt32((uint)heads))
            .Add("bert.attention.layer_norm_epsilon", GgufValue.Float32(1e-12f))
            .Add("bert.attention.causal", GgufValue.Bool(false))
            .Add("bert.pooling_type", GgufValue.UInt32(GgufRankHead.RankPooling))
            .Add("tokenizer.ggml.model", GgufValue.String("bert"))
            .Add("tokenizer.ggml.tokens", GgufValue.Array(tokens))
            // llama_token_type: the bracketed specials are control tokens ([UNK] unknown), every piece a normal one.
            .Add("tokenizer.ggml.token_type", GgufValue.Array(tokens.Select(t => t == "[UNK]" ? 2 : t.StartsWith('[') && t.EndsWith(']') ? 3 : 1).ToArray()))
            .Add("tokenizer.ggml.token_type_count", GgufValue.UInt32(2))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32((uint)Id("[CLS]")))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32((uint)Id("[SEP]")))
            .Add("tokenizer.ggml.seperator_token_id", GgufValue.UInt32((uint)Id("[SEP]")))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32((uint)Id("[UNK]")))
            .Add("tokenizer.ggml.padding_token_id", GgufValue.UInt32((uint)Id("[PAD]")))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_sep_token", GgufValue.Bool(false));

        var random = new Random(seed);
        var w = (ulong)width;
        var ff = (ulong)feedForward;
        void Matrix(string name, ulong inputs, ulong outputs) => writer.AddTensor(name, [inputs, outputs], Normal(random, checked((int)(inputs * outputs))), matrixType);
        void Vector(string name, ulong length, float value) => writer.AddTensor(name, [length], Enumerable.Repeat(value, (int)length).ToArray());

        Matrix("token_embd.weight", w, (ulong)tokens.Length);
        // Added to the embeddings as it is, so F32 as converters write it (llama.cpp aborts on adding an F16 row).
        writer.AddTensor("token_types.weight", [w, 2], Normal(random, 2 * width));
        Matrix("position_embd.weight", w, contextLength);
        Vector("token_embd_norm.weight", w, 1);
        Vector("token_embd_norm.bias", w, 0);
        for (var block = 0; block < blocks; block++)
        {
            foreach (var projection in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
            {
                Matrix($"blk.{block}.{projection}.weight", w, w);
                Vector($"blk.{block}.{projection}.bias", w, 0);
            }

            Vector($"blk.{block}.attn_output_norm.weight", w, 1);
            Vector($"blk.{block}.attn_output_norm.bias", w, 0);
            Matrix($"blk.{block}.ffn_up.weight", w, ff);
            Vector($"blk.{block}.ffn_up.bias", ff, 0);
            Matrix($"blk.{block}.ffn_down.weight", ff, w);
            Vector($"blk.{block}.ffn_down.bias", w, 0);
            Vector($"blk.{block}.layer_output_norm.weight", w, 1);
            Vector($"blk.{block}.layer_output_norm.bias", w, 0);
        }

        Matrix("cls.weight", w, w);
        Vector("cls.bias", w, 0);
        writer.AddTensor("cls.output.weight", [w, 1], Normal(random, width));
        Vector("cls.output.bias", 1, 0);
        writer.Write(path);
    }

    // llama.cpp's converter: specials stay, "##piece" continues a word as "piece", any other piece starts one.
    private static string Phantom(string piece) =>
        piece.StartsWith('[') && piece.EndsWith(']') ? piece : piece.StartsWith("##", StringComparison.Ordinal) ? piece[2..] : "\u2581" + piece;

    // Box-Muller with BERT's initializer scale (0.02).
    private static float[] Normal(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble()) * 0.02);
        }

        return values;
    }
}
