using System.Runtime.CompilerServices;
using System.Threading.Channels;
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
        using var frames = lease.Updates.Open();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The call's result only matters when the request fails: its updates come through the update stream.
        var call = lease.Runner.ChatAsync(request, frames.Id, stop.Token);
        _ = call.ContinueWith(static (_, state) => ((RunnerUpdateSubscription)state!).Interrupt(), frames, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        ChatResponseUpdate? template = null;
        var finished = false;
        try
        {
            while (true)
            {
                RunnerFrame frame;
                try
                {
                    frame = await frames.Frames.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The update stream ended: the runner is gone, and the call says how.
                    throw await FailureAsync(lease, call, e is ChannelClosedException { InnerException: { } inner } ? inner : e).ConfigureAwait(false);
                }

                if (frame.Kind == RunnerFrameKind.End)
                {
                    finished = true;
                    break;
                }

                if (frame.Kind == RunnerFrameKind.Failed)
                {
                    finished = true;
                    throw await FailureAsync(lease, call, null).ConfigureAwait(false);
                }

                yield return RunnerChatUpdates.Read(frame.Text, ref template);
            }
        }
        finally
        {
            if (!finished)
            {
                // A caller that stopped reading early, or cancelled: cancelling the call cancels the sequence in the runner.
                await stop.CancelAsync().ConfigureAwait(false);
            }

            // Observed here so that a call failing after its caller left is not an unobserved task exception.
            _ = call.ContinueWith(static task => task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    // The exception to throw for a request the runner failed (its call's exception) or lost (the update stream's end, then the call's).
    private static async Task<Exception> FailureAsync(RunnerLease lease, Task call, Exception? streamEnded)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return await lease.TranslateAsync(e).ConfigureAwait(false);
        }

        return streamEnded is not null
            ? await lease.TranslateAsync(streamEnded).ConfigureAwait(false)
            : new ModelRunnerException("The runner failed a chat request without saying why.");
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
