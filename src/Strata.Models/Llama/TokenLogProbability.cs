using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// One generated token with its log probability and the most likely alternatives at its position, as OpenAI's
/// <c>logprobs</c> report them. Probabilities are the softmax of the model's raw logits at that position, before the
/// sampler (temperature, top-k/p, penalties, grammar) changed anything.
/// </summary>
/// <param name="Token">The token's text (a partial UTF-8 character shows as U+FFFD; <paramref name="Bytes"/> has it whole).</param>
/// <param name="LogProbability">Natural log of the token's probability; at most 0.</param>
/// <param name="Bytes">The token's UTF-8 bytes.</param>
/// <param name="Top">The most likely tokens at this position, most likely first (as many as asked, up to 20).</param>
public sealed record TokenLogProbability(string Token, double LogProbability, byte[] Bytes, IReadOnlyList<TokenAlternative> Top)
{
    /// <summary>
    /// The tokens an update carries under <paramref name="key"/> (<see cref="LlamaChatOptionKeys.LogProbabilities"/>),
    /// whether they arrived as objects or, from a runner, as JSON. A whole answer's tokens are its updates' in order
    /// (read the answer streamed: combining updates into one response keeps only the last update's properties).
    /// </summary>
    public static IReadOnlyList<TokenLogProbability>? Read(AdditionalPropertiesDictionary? properties, string key) =>
        properties?.TryGetValue(key, out var value) != true ? null
        : value switch
        {
            IReadOnlyList<TokenLogProbability> list => list,
            JsonElement json => json.Deserialize<List<TokenLogProbability>>(AIJsonUtilities.DefaultOptions),
            _ => null,
        };
}

/// <summary>A token that could have been sampled at a position, with its log probability.</summary>
/// <param name="Token">The token's text.</param>
/// <param name="LogProbability">Natural log of its probability; at most 0.</param>
/// <param name="Bytes">Its UTF-8 bytes.</param>
public sealed record TokenAlternative(string Token, double LogProbability, byte[] Bytes);
