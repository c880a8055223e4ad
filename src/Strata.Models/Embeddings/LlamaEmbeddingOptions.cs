namespace Strata.Models.Embeddings;

/// <summary>How a <see cref="LlamaEmbeddingGenerator"/> runs its model.</summary>
public sealed record LlamaEmbeddingOptions
{
    /// <summary>The most tokens one input may have; null takes the model's training context, capped at 8,192 to bound memory.</summary>
    public int? ContextSize { get; init; }

    /// <summary>The CPU threads llama.cpp uses; null lets it choose.</summary>
    public int? Threads { get; init; }

    /// <summary>The model id reported in the generator's metadata and on each embedding; null takes the manifest name.</summary>
    public string? ModelId { get; init; }
}
