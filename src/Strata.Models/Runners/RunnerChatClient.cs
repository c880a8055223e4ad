using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// An <see cref="IChatClient"/> whose model runs in a runner process (see the folder's README): the same requests and
/// updates as <see cref="Llama.LlamaChatClient"/>, which serves them inside the runner. Cancelling a request, or
/// stopping reading, cancels its sequence in the runner. If the runner dies mid-request, the request fails with a
/// <see cref="ModelRunnerException"/> naming the model and the runner's last native message; the next one starts a new runner.
/// </summary>
public sealed class RunnerChatClient : IChatClient, Llama.IChatTokenCounter
{
    private readonly SupervisedRunner runner;
    private readonly ChatClientMetadata metadata;

    internal RunnerChatClient(SupervisedRunner runner)
    {
        this.runner = runner;
        metadata = new ChatClientMetadata("llama.cpp", null, runner.Model);
    }

    /// <summary>The runner's process id while one runs (null otherwise).</summary>
    public int? RunnerProcessId => runner.Current is { Exited.IsCompleted: false } process ? process.ProcessId : null;

    /// <summary>The context size of the model while its runner runs (null when none runs).</summary>
    public int? LoadedContextSize => RunnerProcessId is not null ? runner.Info?.ContextSize : null;

    /// <summary>How long the runner lives without requests from now on (null: <c>Models:IdleSeconds</c>; zero: it ends when idle).</summary>
    public void KeepAlive(TimeSpan? idle) => runner.KeepAlive(idle);

    /// <summary>Kills the running runner at once, as a native crash would (for tests of what a crash does).</summary>
    public void KillRunner() => runner.Current?.Kill();

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = RunnerJson.Write(RunnerChatRequest.From(messages, options));
        using var lease = await runner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var updates = lease.Runner.ChatAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        ChatResponseUpdate? template = null;
        try
        {
            while (true)
            {
                string update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw await lease.TranslateAsync(e).ConfigureAwait(false);
                }

                yield return RunnerChatUpdates.Read(update, ref template);
            }
        }
        finally
        {
            // Disposing the remote enumerator is what cancels the sequence in the runner when a caller stops reading early.
            try
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (RunnerErrors.IsChannelFailure(e) || e is OperationCanceledException or StreamJsonRpc.RemoteInvocationException)
            {
                // The request is over either way.
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> GetContextSizeAsync(CancellationToken cancellationToken = default)
    {
        // The runner reports the size when it loads; acquiring one starts it if none runs.
        using var lease = await runner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        return runner.Info?.ContextSize ?? throw new ModelRunnerException($"The runner of '{runner.Model}' did not report its context size.");
    }

    /// <inheritdoc />
    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) =>
        CallAsync(model => model.CountTokensAsync(text, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<int> CountPromptTokensAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = RunnerJson.Write(RunnerChatRequest.From(messages, options));
        return CallAsync(model => model.CountPromptTokensAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Requests the runner dropped because their caller cancelled them (a client that disconnected, a reader that
    /// stopped): shows that a cancellation crossed the channel and freed its sequence. Starts the runner if none runs.
    /// </summary>
    public Task<int> CountCancelledSequencesAsync(CancellationToken cancellationToken = default) =>
        CallAsync(model => model.CountCancelledSequencesAsync(cancellationToken), cancellationToken);

    private Task<T> CallAsync<T>(Func<IModelRunner, Task<T>> call, CancellationToken cancellationToken) =>
        runner.CallAsync(lease => call(lease.Runner), cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => runner.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
