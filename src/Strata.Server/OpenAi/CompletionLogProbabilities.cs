using System.Text.Json.Serialization;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>
/// A text completion choice's <c>logprobs</c> in the legacy completions shape: parallel lists of tokens, their log
/// probabilities, the top alternatives of each position (token to log probability) and each token's offset in the text.
/// </summary>
public sealed record CompletionLogProbabilities(
    [property: JsonPropertyName("tokens")] IReadOnlyList<string> Tokens,
    [property: JsonPropertyName("token_logprobs")] IReadOnlyList<double> TokenLogProbabilities,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<IReadOnlyDictionary<string, double>> Top,
    [property: JsonPropertyName("text_offset")] IReadOnlyList<int> TextOffsets)
{
    /// <summary>The legacy form of <paramref name="tokens"/>, whose text starts at <paramref name="offset"/>; null when there are none.</summary>
    public static CompletionLogProbabilities? From(IReadOnlyList<TokenLogProbability>? tokens, int offset)
    {
        if (tokens is null)
        {
            return null;
        }

        var offsets = new List<int>(tokens.Count);
        foreach (var token in tokens)
        {
            offsets.Add(offset);
            offset += token.Token.Length;
        }

        return new CompletionLogProbabilities(
            tokens.Select(token => token.Token).ToList(),
            tokens.Select(token => token.LogProbability).ToList(),
            tokens.Select(token =>
            {
                // Two tokens may decode to the same text; the more likely one, listed first, keeps the key.
                var top = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var alternative in token.Top)
                {
                    top.TryAdd(alternative.Token, alternative.LogProbability);
                }

                return (IReadOnlyDictionary<string, double>)top;
            }).ToList(),
            offsets);
    }
}
