using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;

namespace Strata.Models.Llama;

/// <summary>
/// An <see cref="IChatClient"/> that runs a local GGUF model through LLamaSharp (llama.cpp). Concurrent requests
/// are decoded side by side in one batch; each keeps its own sampler. See the folder's README for the design.
/// </summary>
public sealed class LlamaChatClient : IChatClient, IChatTokenCounter
{
    private readonly LlamaModelHost _host;
    private readonly bool _ownsHost;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Serves the model of an existing host (several clients may share one).</summary>
    public LlamaChatClient(LlamaModelHost host)
        : this(host, ownsHost: false)
    {
    }

    private LlamaChatClient(LlamaModelHost host, bool ownsHost)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _ownsHost = ownsHost;
        _metadata = new ChatClientMetadata("llama.cpp", null, host.Options.ModelId ?? Path.GetFileNameWithoutExtension(host.Path));
    }

    /// <summary>Validates the GGUF file at <paramref name="path"/> and returns a client for it; the weights load on first use.</summary>
    /// <exception cref="GgufFormatException">The file is corrupt, truncated or not a GGUF file.</exception>
    public static LlamaChatClient FromFile(string path, LlamaChatClientOptions? options = null) =>
        new(new LlamaModelHost(path, options), ownsHost: true);

    /// <summary>Returns a client for a GGUF model in the store (its main file is the manifest's first file).</summary>
    public static LlamaChatClient FromManifest(ModelStore store, ModelManifest manifest, LlamaChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Format != ModelFormat.Gguf || manifest.Files.Count == 0)
        {
            throw new ArgumentException($"model '{manifest.Name}' is {manifest.Format}, not a GGUF model", nameof(manifest));
        }

        var effective = options ?? new LlamaChatClientOptions();
        return FromFile(store.PathOf(manifest.Files[0]), effective with { ModelId = effective.ModelId ?? manifest.Name });
    }

    /// <summary>The host that keeps the model loaded.</summary>
    public LlamaModelHost Host => _host;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // One code path for both: the response is exactly the streamed updates put together.
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var request = LlamaRequest.Prepare(lease.Model.Weights, _host, messages.ToList(), options);
        var sequence = new LlamaSequence(request.PromptTokens, request.MaxOutputTokens, SamplingSettings.CreatePipeline(options, request.Grammar),
            options?.StopSequences?.ToList() ?? [], TopLogProbabilities(options));
        using var registration = cancellationToken.Register(() => sequence.Cancel(cancellationToken));
        lease.Model.Loop.Enqueue(sequence);

        var responseId = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow;
        var text = new System.Text.StringBuilder();
        var holdForToolCall = request.Tools.Count > 0 && !request.AllowPlainAnswer;
        var reader = sequence.Updates;
        var pendingTokens = new List<TokenLogProbability>();
        try
        {
            while (await WaitAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var update))
                {
                    // Updates may already be buffered; a cancelled caller must not receive them.
                    cancellationToken.ThrowIfCancellationRequested();
                    text.Append(update.Text);
                    if (update.LogProbabilities is { } tokens)
                    {
                        pendingTokens.AddRange(tokens);
                    }

                    // With tools allowed, an answer that opens with "{" is a tool call: hold it back until it is complete.
                    if (request.Tools.Count > 0 && text.ToString().TrimStart().StartsWith('{'))
                    {
                        holdForToolCall = true;
                    }

                    if (!holdForToolCall && update.Text.Length > 0)
                    {
                        yield return WithTokens(Update(new TextContent(update.Text)));
                    }

                    if (update.Finish is { } finish)
                    {
                        var call = holdForToolCall ? ToolCallParser.TryParse(text.ToString(), request.Tools) : null;
                        if (call is null && holdForToolCall && finish == GenerationFinish.Length)
                        {
                            call = PartialToolCall.TryRead(text.ToString(), request.Tools);
                        }

                        // A call cut short whose tool cannot be told is dropped rather than shown as an answer.
                        var unfinishedCall = finish == GenerationFinish.Length && text.ToString().TrimStart().StartsWith('{');
                        if (holdForToolCall && call is null && text.Length > 0 && !unfinishedCall)
                        {
                            yield return WithTokens(Update(new TextContent(text.ToString())));
                        }

                        var last = Update(new UsageContent(new UsageDetails
                        {
                            InputTokenCount = request.PromptTokens.Length,
                            OutputTokenCount = update.OutputTokens,
                            TotalTokenCount = request.PromptTokens.Length + update.OutputTokens,
                        }));
                        if (call is not null)
                        {
                            last.Contents.Insert(0, call);
                        }

                        if (update.StopSequence is { } stop)
                        {
                            (last.AdditionalProperties ??= [])[LlamaChatOptionKeys.MatchedStopSequence] = stop;
                        }

                        WithTokens(last);

                        last.FinishReason = finish == GenerationFinish.Length ? ChatFinishReason.Length
                            : call is not null ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop;
                        yield return last;
                    }
                }
            }
        }
        finally
        {
            // A caller that stops reading early must not leave its sequence generating for nobody.
            if (!sequence.IsDone)
            {
                sequence.Cancel(CancellationToken.None);
            }
        }

        // An update carries the tokens generated since the previous one that was sent.
        ChatResponseUpdate WithTokens(ChatResponseUpdate update)
        {
            if (sequence.ReportsLogProbabilities)
            {
                (update.AdditionalProperties ??= [])[LlamaChatOptionKeys.LogProbabilities] = pendingTokens.ToList();
                pendingTokens.Clear();
            }

            return update;
        }

        ChatResponseUpdate Update(AIContent content) => new(ChatRole.Assistant, [content])
        {
            ResponseId = responseId,
            MessageId = responseId,
            CreatedAt = created,
            ModelId = _metadata.DefaultModelId,
        };
    }

    // The number of alternatives asked for per token, or null when log probabilities were not asked for.
    private static int? TopLogProbabilities(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(LlamaChatOptionKeys.TopLogProbabilities, out int top) != true)
        {
            return null;
        }

        return top is >= 0 and <= LogitsReader.MaxTop
            ? top
            : throw new ArgumentOutOfRangeException(nameof(options), top, $"{LlamaChatOptionKeys.TopLogProbabilities} must be between 0 and {LogitsReader.MaxTop}");
    }

    /// <inheritdoc />
    public Task<int> GetContextSizeAsync(CancellationToken cancellationToken = default) => Task.FromResult(_host.ContextSize);

    /// <inheritdoc />
    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) => _host.CountTokensAsync(text, cancellationToken);

    /// <summary>
    /// Counts the tokens of the prompt <paramref name="messages"/> render to, tools included, as a request would send
    /// them (what Anthropic's <c>count_tokens</c> reports); loads the weights if needed.
    /// </summary>
    public async Task<int> CountPromptTokensAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var tools = options?.ToolMode == ChatToolMode.None ? [] : (options?.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
        var prompt = ChatPromptRenderer.Render(lease.Model.Weights, _host.HasChatTemplate, messages.ToList(), options, tools);
        return lease.Model.Weights.Tokenize(prompt, true, true, System.Text.Encoding.UTF8).Length;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_host) ? _host
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHost)
        {
            _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // The channel wraps failures in ChannelClosedException; callers should see the original (typed) exception.
    private static async ValueTask<bool> WaitAsync(ChannelReader<GenerationUpdate> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(closed.InnerException);
            throw;
        }
    }
}
