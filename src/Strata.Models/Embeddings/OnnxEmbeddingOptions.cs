namespace Strata.Models.Embeddings;

/// <summary>How an <see cref="OnnxEmbeddingGenerator"/> runs its model.</summary>
public sealed record OnnxEmbeddingOptions
{
    /// <summary>The most inputs one ONNX Runtime call takes; larger requests are split into several calls.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// The threads ONNX Runtime uses inside one operator; null lets ONNX Runtime choose (one per physical core).
    /// </summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>
    /// The most word pieces (special tokens included) one input may have before it is truncated; null takes the
    /// model's own limit. A value above the model's limit is capped to it, since the position embeddings end there.
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary>The model id reported in the generator's metadata and on each embedding; null takes the manifest name.</summary>
    public string? ModelId { get; init; }
}
