using Microsoft.Extensions.AI;

namespace Strata.Orchestration.Tools;

/// <summary>
/// A tool-using chat loop: the model may call tools up to <c>maxIterations</c> times per request
/// (<see cref="FunctionInvokingChatClient.MaximumIterationsPerRequest"/>); calls to approval-required tools come back
/// as <see cref="ToolApprovalRequestContent"/> for the caller to answer, and run only once approved.
/// </summary>
public static class ToolChat
{
    /// <summary>The iteration cap used when none is given.</summary>
    public const int DefaultMaxIterations = 5;

    /// <summary>Wraps <paramref name="client"/> (a client that does not invoke functions itself) in the tool loop.</summary>
    public static IChatClient Create(IChatClient client, int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ChatClientBuilder(client)
            .UseFunctionInvocation(configure: invocation => invocation.MaximumIterationsPerRequest = Math.Clamp(maxIterations, 1, 40))
            .Build();
    }

    /// <summary>The approval requests in <paramref name="response"/>, if the model asked to run tools that change data.</summary>
    public static IReadOnlyList<ToolApprovalRequestContent> ApprovalRequests(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList();
    }
}
