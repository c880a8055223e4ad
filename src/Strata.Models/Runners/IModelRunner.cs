using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// What a model runner process serves over its JSON-RPC channel. One runner holds one model; the parent's
/// <see cref="RunnerChatClient"/> and <see cref="RunnerEmbeddingGenerator"/> turn these calls back into
/// Microsoft.Extensions.AI contracts. Chat requests and updates cross as JSON text written with
/// <see cref="RunnerJson"/>, so the M.E.AI types keep their own System.Text.Json shape.
/// </summary>
[JsonRpcContract]
public partial interface IModelRunner
{
    /// <summary>Loads the model (the runner's first call) and, for GGUF, tokenizes a short text, so a model that cannot load fails here.</summary>
    Task<RunnerModelInfo> LoadAsync(RunnerLoadRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one chat request. Its updates (<see cref="RunnerChatUpdates"/>) go to the runner's update stream under id
    /// <paramref name="stream"/>, then an end frame; a request that fails writes a failed frame and fails this call with
    /// its exception. Cancelling drops its sequence.
    /// </summary>
    Task ChatAsync(string request, int stream, CancellationToken cancellationToken);

    /// <summary>The tokens of <paramref name="text"/> with the chat model's tokenizer.</summary>
    Task<int> CountTokensAsync(string text, CancellationToken cancellationToken);

    /// <summary>The prompt tokens of one chat request (JSON as for <see cref="ChatAsync"/>), template and tools included.</summary>
    Task<int> CountPromptTokensAsync(string request, CancellationToken cancellationToken);

    /// <summary>Chat requests whose caller cancelled them before they finished, so the runner dropped their sequences early.</summary>
    Task<int> CountCancelledSequencesAsync(CancellationToken cancellationToken);

    /// <summary>Embeds <paramref name="values"/>; returns the <c>GeneratedEmbeddings</c> with their vectors as raw floats.</summary>
    Task<RunnerEmbeddingBatch> EmbedAsync(string[] values, int? dimensions, CancellationToken cancellationToken);

    /// <summary>The loaded reranker's relevance score of each of <paramref name="documents"/> to <paramref name="query"/>, in document order.</summary>
    Task<double[]> RerankAsync(string query, string[] documents, CancellationToken cancellationToken);
}

/// <summary>
/// Generated embeddings as they cross the channel. The vectors are one block of raw floats (the channel's JSON writes
/// it as base64), not JSON numbers: writing and parsing 32 × 384 numbers as text on both sides cost about a third of a
/// MiniLM batch's throughput. Everything else an embedding carries crosses as JSON, as chat updates do.
/// </summary>
public sealed class RunnerEmbeddingBatch
{
    /// <summary>Every vector's floats, one vector after another, in the machine's byte order (the runner is on the parent's machine).</summary>
    public byte[] Vectors { get; set; } = [];

    /// <summary>Each vector's length in floats, in order.</summary>
    public int[] Lengths { get; set; } = [];

    /// <summary>The usage, extra properties and each embedding's model, time and properties, as JSON written with <see cref="RunnerJson"/>.</summary>
    public string Metadata { get; set; } = "";
}

/// <summary>What a runner loads.</summary>
public sealed class RunnerLoadRequest
{
    /// <summary>The model's name, for messages and metadata.</summary>
    public string Name { get; set; } = "";

    /// <summary>A model file to load outside the store (a trial load before import); null for a stored model.</summary>
    public string? Path { get; set; }

    /// <summary>The Strata home whose store holds the model <see cref="Name"/>; used when <see cref="Path"/> is null.</summary>
    public string? Home { get; set; }

    /// <summary>Whether the model serves chat, embeddings, images or reranking.</summary>
    public RunnerRole Role { get; set; }

    /// <summary>Tokens per request (GGUF chat).</summary>
    public int ContextSize { get; set; } = 4096;

    /// <summary>Requests decoded side by side (GGUF chat).</summary>
    public int MaxParallelSequences { get; set; } = 4;

    /// <summary>CPU threads; null lets the runtime choose.</summary>
    public int? Threads { get; set; }

}

/// <summary>What a runner serves.</summary>
public enum RunnerRole
{
    /// <summary>Chat on a GGUF model.</summary>
    Chat,

    /// <summary>Embeddings on a GGUF model.</summary>
    GgufEmbeddings,

    /// <summary>Embeddings on an ONNX sentence model.</summary>
    OnnxEmbeddings,

    /// <summary>Images from a model trained by <c>strata train</c> (GAN or DDPM), in the image runner program (<see cref="IImageRunner"/>).</summary>
    Images,

    /// <summary>Reranking with an ONNX cross-encoder.</summary>
    OnnxReranker,

    /// <summary>Reranking with a GGUF reranker on llama.cpp's rank pooling.</summary>
    GgufReranker,
}

/// <summary>What the runner reports after loading.</summary>
public sealed class RunnerModelInfo
{
    /// <summary>The runner's process id.</summary>
    public int ProcessId { get; set; }

    /// <summary>Tokens per request the chat model really has (configured, capped at its trained context).</summary>
    public int? ContextSize { get; set; }

    /// <summary>The embedding width, for embedding models.</summary>
    public int? Dimensions { get; set; }

    /// <summary>The provider name the in-process client reports (llama.cpp, onnxruntime).</summary>
    public string? ProviderName { get; set; }
}
