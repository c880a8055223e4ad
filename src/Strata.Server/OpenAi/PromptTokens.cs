using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>Counts a request's prompt tokens with the model's own tokenizer and template, where the model is local.</summary>
internal static class PromptTokens
{
    /// <summary>The count, or null for a model Strata does not run itself (a remote provider's).</summary>
    public static async Task<int?> TryCountAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken) =>
        client.GetService<IChatTokenCounter>() is { } local
            ? await local.CountPromptTokensAsync(messages, options, cancellationToken)
            : null;
}
