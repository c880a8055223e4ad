using Microsoft.Extensions.AI;

namespace Strata.Server.OpenAi;

/// <summary>
/// What a streamed answer amounts to once it ends: its tool calls, its usage and why it finished. Both streaming
/// protocols (OpenAI's chunks, Anthropic's events) send these after the text, so they collect them the same way.
/// </summary>
public sealed class StreamTally
{
    private readonly List<FunctionCallContent> toolCalls = [];
    private ChatFinishReason? finish;

    /// <summary>The tool calls the model made.</summary>
    public IReadOnlyList<FunctionCallContent> ToolCalls => toolCalls;

    /// <summary>The last usage reported.</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>
    /// Why the answer ended: the token limit when it was hit (a tool call may then be unfinished), else tool calls when
    /// there are any, else what the model said, else a normal stop.
    /// </summary>
    public ChatFinishReason FinishReason => finish == ChatFinishReason.Length ? ChatFinishReason.Length
        : toolCalls.Count > 0 ? ChatFinishReason.ToolCalls : finish ?? ChatFinishReason.Stop;

    /// <summary>Takes note of one update.</summary>
    public void Observe(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        finish = update.FinishReason ?? finish;
        toolCalls.AddRange(update.Contents.OfType<FunctionCallContent>());
        Usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? Usage;
    }
}
