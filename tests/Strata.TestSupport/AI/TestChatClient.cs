using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Strata.TestSupport.AI;

/// <summary>
/// A chat client whose answers a test writes as callbacks, as Microsoft.Extensions.AI's own tests do: no model, no
/// process, so logic around a model (prompts, citations, fallbacks, error mapping) tests in milliseconds. A client
/// given only <see cref="GetResponseAsyncCallback"/> streams that response as its updates, so one callback serves
/// both calls; every call is recorded in <see cref="Calls"/>.
/// </summary>
public sealed class TestChatClient : IChatClient
{
    private readonly List<TestChatCall> calls = [];

    /// <summary>Answers <see cref="GetResponseAsync"/>.</summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    /// <summary>Answers <see cref="GetStreamingResponseAsync"/>; when null, the response of <see cref="GetResponseAsyncCallback"/> is streamed.</summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    /// <summary>Answers <see cref="GetService"/>; by default the client itself when asked for its own type, else null.</summary>
    public Func<Type, object?, object?>? GetServiceCallback { get; set; }

    /// <summary>The messages and options of every call so far, in order.</summary>
    public IReadOnlyList<TestChatCall> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>A client that answers every request with <paramref name="text"/>.</summary>
    public static TestChatClient Answering(string text) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))),
    };

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = Record(messages, options);
        var callback = GetResponseAsyncCallback ?? throw new InvalidOperationException($"The test set no {nameof(GetResponseAsyncCallback)}.");
        return callback(list, options, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = Record(messages, options);
        if (GetStreamingResponseAsyncCallback is { } streaming)
        {
            return streaming(list, options, cancellationToken);
        }

        var callback = GetResponseAsyncCallback
            ?? throw new InvalidOperationException($"The test set neither {nameof(GetStreamingResponseAsyncCallback)} nor {nameof(GetResponseAsyncCallback)}.");
        return StreamAsync(callback(list, options, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return GetServiceCallback is { } callback
            ? callback(serviceType, serviceKey)
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(Task<ChatResponse> response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var update in (await response).ToChatResponseUpdates())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    private List<ChatMessage> Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        lock (calls)
        {
            calls.Add(new TestChatCall(list, options));
        }

        return list;
    }
}

/// <summary>One request a <see cref="TestChatClient"/> received.</summary>
/// <param name="Messages">The messages, as sent.</param>
/// <param name="Options">The options, as sent.</param>
public sealed record TestChatCall(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)
{
    /// <summary>The text of the last message: the prompt of a single-turn request.</summary>
    public string Prompt => Messages.Count == 0 ? "" : Messages[^1].Text;
}
