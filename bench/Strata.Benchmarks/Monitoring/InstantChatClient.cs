using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Strata.Benchmarks.Monitoring;

/// <summary>A chat client that answers at once with fixed usage, so a benchmark sees only the middleware around it.</summary>
internal sealed class InstantChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("instant", null, "instant");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            ModelId = "instant",
            Usage = new UsageDetails { InputTokenCount = 8, OutputTokenCount = 1, TotalTokenCount = 9 },
        });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? Metadata : null;

    public void Dispose()
    {
    }
}
