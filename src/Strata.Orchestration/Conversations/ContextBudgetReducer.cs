using Microsoft.Extensions.AI;

namespace Strata.Orchestration.Conversations;

/// <summary>
/// Keeps a conversation within a context budget: system messages always stay, then the most recent messages that fit.
/// A tool call is never kept without its result or the other way round, since models reject such pairs.
/// Used with <c>ChatClientBuilder.UseChatReducer</c>; <see cref="MessageCountingChatReducer"/> counts messages, this
/// counts their size, which is what a context window limits.
/// </summary>
public sealed class ContextBudgetReducer : IChatReducer
{
    // What a chat template adds around each message (role markers, separators), in tokens.
    private const int PerMessageOverhead = 4;

    private readonly int _budgetTokens;
    private readonly Func<string, CancellationToken, Task<int>> _countTokens;

    /// <summary>Estimates each message's tokens from its length, <paramref name="charactersPerToken"/> characters a token.</summary>
    public ContextBudgetReducer(int budgetTokens, double charactersPerToken = 3.0)
        : this(budgetTokens, (text, _) => Task.FromResult((int)Math.Ceiling(text.Length / charactersPerToken)))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charactersPerToken);
    }

    /// <summary>
    /// Counts each message's tokens with <paramref name="countTokens"/>, the model's own tokenizer where there is one:
    /// a length estimate undercounts text that tokenizes densely (code, other scripts, a small model's babble) and the
    /// trimmed conversation can still overflow the context.
    /// </summary>
    public ContextBudgetReducer(int budgetTokens, Func<string, CancellationToken, Task<int>> countTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetTokens);
        _budgetTokens = budgetTokens;
        _countTokens = countTokens ?? throw new ArgumentNullException(nameof(countTokens));
    }

    /// <inheritdoc />
    public async Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var all = messages.ToList();
        var system = all.Where(m => m.Role == ChatRole.System).ToList();
        var budget = _budgetTokens;
        foreach (var message in system)
        {
            budget -= await CostAsync(message, cancellationToken).ConfigureAwait(false);
        }

        var kept = new List<ChatMessage>();
        for (var i = all.Count - 1; i >= 0; i--)
        {
            var message = all[i];
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var cost = await CostAsync(message, cancellationToken).ConfigureAwait(false);
            if (kept.Count > 0 && cost > budget)
            {
                break;
            }

            budget -= cost;
            kept.Insert(0, message);
        }

        // A leading tool result whose call was dropped would be an orphan.
        while (kept.Count > 1 && kept[0].Role == ChatRole.Tool)
        {
            kept.RemoveAt(0);
        }

        return [.. system, .. kept];
    }

    private async Task<int> CostAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        // A function call is rendered as its name plus JSON arguments; 32 tokens covers the wrapping.
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var text = calls.Count == 0 ? message.Text : message.Text + string.Concat(calls.Select(c => c.Name));
        return await _countTokens(text, cancellationToken).ConfigureAwait(false) + (calls.Count * 32) + PerMessageOverhead;
    }
}
