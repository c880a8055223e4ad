using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// Token counts with a local chat model's own tokenizer and template, whether the model runs in this process
/// (<see cref="LlamaChatClient"/>) or in a runner (<see cref="Runners.RunnerChatClient"/>). Reached through
/// <c>IChatClient.GetService&lt;IChatTokenCounter&gt;()</c>; remote providers' clients have none.
/// </summary>
public interface IChatTokenCounter
{
    /// <summary>Tokens one request may use (prompt and output): the configured size capped at the model's trained context.</summary>
    Task<int> GetContextSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>The tokens of <paramref name="text"/> alone.</summary>
    Task<int> CountTokensAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>The tokens of the prompt <paramref name="messages"/> render to, tools included, as a request would send them.</summary>
    Task<int> CountPromptTokensAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);
}
