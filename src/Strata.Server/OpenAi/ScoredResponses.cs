using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>
/// A whole answer with its tokens' log probabilities. Each update carries the tokens behind its text, and combining
/// updates into one response keeps only one update's properties, so an answer that must report every token is read
/// streamed and put together here.
/// </summary>
internal static class ScoredResponses
{
    /// <summary>The answer, and its tokens when <paramref name="scored"/> (else none, and the answer is read whole).</summary>
    public static async Task<(ChatResponse Response, IReadOnlyList<TokenLogProbability> Tokens)> GetAsync(
        IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options, bool scored, CancellationToken cancellationToken)
    {
        if (!scored)
        {
            return (await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false), []);
        }

        var updates = new List<ChatResponseUpdate>();
        var tokens = new List<TokenLogProbability>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            tokens.AddRange(TokenLogProbability.Read(update.AdditionalProperties, LlamaChatOptionKeys.LogProbabilities) ?? []);
        }

        return (updates.ToChatResponse(), tokens);
    }
}
