using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// An embedding generator whose model runs in a runner process: <see cref="Embeddings.OnnxEmbeddingGenerator"/> or
/// <see cref="Embeddings.LlamaEmbeddingGenerator"/> inside the runner, the same vectors outside it.
/// </summary>
public sealed class RunnerEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly SupervisedRunner runner;
    private readonly EmbeddingGeneratorMetadata metadata;

    private RunnerEmbeddingGenerator(SupervisedRunner runner, RunnerModelInfo info)
    {
        this.runner = runner;
        metadata = new EmbeddingGeneratorMetadata(info.ProviderName, null, runner.Model, info.Dimensions);
    }

    /// <summary>The runner's process id while one runs (null otherwise).</summary>
    public int? RunnerProcessId => runner.Current is { Exited.IsCompleted: false } process ? process.ProcessId : null;

    /// <summary>How long the runner lives without requests from now on (null: <c>Models:IdleSeconds</c>; zero: it ends when idle).</summary>
    public void KeepAlive(TimeSpan? idle) => runner.KeepAlive(idle);

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        if (metadata.DefaultModelDimensions is { } width)
        {
            // Checked here as in process: the runner's own refusal would cross the channel as a remote error (a 500).
            Embeddings.RequestedDimensions.Check(options, width, runner.Model);
        }

        var result = await runner.CallAsync(lease => lease.Runner.EmbedAsync(texts, options?.Dimensions, cancellationToken), cancellationToken).ConfigureAwait(false);
        return RunnerEmbeddings.Read(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => runner.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Starts the runner and loads the model now, so the vector width is known before the first request.</summary>
    internal static async Task<RunnerEmbeddingGenerator> StartAsync(SupervisedRunner runner, CancellationToken cancellationToken)
    {
        using (await runner.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return new RunnerEmbeddingGenerator(runner, runner.Info!);
    }
}
