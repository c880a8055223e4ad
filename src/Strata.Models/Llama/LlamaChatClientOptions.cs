using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Strata.Models.Llama;

/// <summary>How a GGUF model is loaded and served by <see cref="LlamaChatClient"/>.</summary>
public sealed record LlamaChatClientOptions
{
    /// <summary>The most tokens one request may use, prompt and output together.</summary>
    public int ContextSize { get; init; } = 2048;

    /// <summary>The most tokens decoded in one step, across all sequences; long prompts are fed in chunks of this size.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>CPU threads for decoding; null lets llama.cpp choose.</summary>
    public int? Threads { get; init; }

    /// <summary>How many requests are decoded side by side in one batch; further requests wait their turn.</summary>
    public int MaxParallelSequences { get; init; } = 4;

    /// <summary>How long the weights stay loaded after the last request ends; they load again on the next request.</summary>
    public TimeSpan IdleUnloadTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The model id reported in responses; null uses the file name.</summary>
    public string? ModelId { get; init; }

    /// <summary>Where loads and unloads are logged (names and timings only).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Bounds on grammar-constrained JSON where a schema sets none.</summary>
    public JsonGrammarLimits JsonLimits { get; init; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ContextSize, 16, nameof(ContextSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelSequences, 1, nameof(MaxParallelSequences));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxParallelSequences, BatchSize, nameof(MaxParallelSequences));
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleUnloadTime, TimeSpan.Zero, nameof(IdleUnloadTime));
        if (Threads is { } threads)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(Threads));
        }
    }
}
