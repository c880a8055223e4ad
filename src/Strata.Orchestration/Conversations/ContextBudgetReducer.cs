using Microsoft.Extensions.AI;

namespace Strata.Orchestration.Conversations;

/// <summary>
/// Keeps a conversation within a context budget: system messages always stay, then the most recent messages that fit.
/// A tool call is never kept without its result or the other way round, since models reject such pairs.
/// Used with <c>ChatClientBuilder.UseChatReducer</c>; <see cref="MessageCountingChatReducer"/> counts messages, this
/// counts their size, which is what a context window limits.
/// </summary>
public sealed class ContextBudgetReducer(int budgetTokens, double charactersPerToken = 3.0) : IChatReducer
{
    /// <inheritdoc />
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var all = messages.ToList();
        var system = all.Where(m => m.Role == ChatRole.System).ToList();
        var budget = budgetTokens - system.Sum(Cost);
        var kept = new List<ChatMessage>();
        for (var i = all.Count - 1; i >= 0; i--)
        {
            var message = all[i];
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var cost = Cost(message);
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

        return Task.FromResult<IEnumerable<ChatMessage>>([.. system, .. kept]);
    }

    private double Cost(ChatMessage message) =>
        (message.Text.Length + message.Contents.OfType<FunctionCallContent>().Sum(c => c.Name.Length + 32)) / charactersPerToken + 4;
}
