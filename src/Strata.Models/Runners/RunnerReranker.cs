using Strata.Models.Reranking;
using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// A reranker whose model runs in a runner process: <see cref="OnnxCrossEncoderReranker"/> or <see cref="LlamaReranker"/>
/// inside it, the same scores outside it. A runner that dies fails its requests with a <see cref="ModelRunnerException"/>
/// (a 503 naming the model); the next request starts a new one.
/// </summary>
public sealed class RunnerReranker : IReranker
{
    private readonly SupervisedRunner runner;

    private RunnerReranker(SupervisedRunner runner) => this.runner = runner;

    /// <inheritdoc />
    public string ModelId => runner.Model;

    /// <summary>The runner's process id while one runs (null otherwise).</summary>
    public int? RunnerProcessId => runner.Current is { Exited.IsCompleted: false } process ? process.ProcessId : null;

    /// <summary>Kills the runner process, as a native crash would (for tests of what a crash does).</summary>
    public void KillRunner() => runner.Current?.Kill();

    /// <inheritdoc />
    public async Task<IReadOnlyList<RerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, int? topN = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        // Checked here as in process: the runner's own refusal would cross the channel as a remote error.
        string[] texts = [.. documents.Select((d, i) => d ?? throw new ArgumentException($"Document {i} is null.", nameof(documents)))];
        var scores = await runner.CallAsync(lease => lease.Runner.RerankAsync(query, texts, cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. RerankOrder.Rank(scores, topN)];
    }

    /// <inheritdoc />
    public void Dispose() => runner.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Starts the runner and loads the model now, so a model that is no reranker is refused when it is first named, as in
    /// process (a 400 for the request's <c>model</c>), not at its first request.
    /// </summary>
    /// <exception cref="RerankerModelException">The runner refused the model as a reranker.</exception>
    /// <exception cref="ModelRunnerException">The runner could not start, or crashed loading the model.</exception>
    internal static async Task<RunnerReranker> StartAsync(SupervisedRunner runner, string? home, CancellationToken cancellationToken)
    {
        try
        {
            using (await runner.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        catch (ModelRunnerException e) when (e.InnerException is RemoteInvocationException remote && RunnerErrors.FromRemote(remote) is RerankerModelException refused)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
            throw new RerankerModelException(RunnerErrors.WithoutHome(RunnerErrors.OneLine(refused.Message), home), e);
        }
        catch
        {
            await runner.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RunnerReranker(runner);
    }
}
