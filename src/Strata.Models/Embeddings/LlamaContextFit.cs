using System.Text;
using LLama;

namespace Strata.Models.Embeddings;

/// <summary>An input cut, if need be, so that llama.cpp's context holds all of its tokens.</summary>
/// <param name="Text">The text to embed.</param>
/// <param name="TokenCount">The tokens of the whole original input.</param>
/// <param name="Truncated">Whether <paramref name="Text"/> is a prefix of the input.</param>
internal readonly record struct LlamaContextFit(string Text, int TokenCount, bool Truncated)
{
    /// <summary>Fits <paramref name="text"/> into <paramref name="limit"/> tokens of <paramref name="weights"/>' vocabulary.</summary>
    public static LlamaContextFit Fit(LLamaWeights weights, int limit, string text)
    {
        var tokens = Tokenize(weights, text);
        if (tokens.Length <= limit)
        {
            return new LlamaContextFit(text, tokens.Length, false);
        }

        // LLamaEmbedder takes text, not tokens, so the kept tokens are turned back into text. Decoding and re-encoding
        // can merge pieces differently, so shrink until the re-encoded prefix fits.
        var keep = limit - 1;
        while (true)
        {
            var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
            decoder.AddRange(tokens.AsSpan(1, keep));
            var prefix = decoder.Read();
            if (Tokenize(weights, prefix).Length <= limit || keep <= 1)
            {
                return new LlamaContextFit(prefix, tokens.Length, true);
            }

            keep -= Math.Max(1, keep / 32);
        }
    }

    // With the beginning-of-sequence token and special tokens parsed, as LLamaEmbedder itself counts.
    private static LLama.Native.LLamaToken[] Tokenize(LLamaWeights weights, string text) => weights.Tokenize(text, true, true, Encoding.UTF8);
}
