namespace Strata.Models.Catalog;

/// <summary>What a model can do.</summary>
[Flags]
public enum ModelCapabilities
{
    /// <summary>Nothing known.</summary>
    None = 0,

    /// <summary>Chat and completion (<c>IChatClient</c>).</summary>
    Chat = 1,

    /// <summary>Embeddings (<c>IEmbeddingGenerator</c>).</summary>
    Embeddings = 2,

    /// <summary>Reranking (query, document) pairs (<c>IReranker</c>, <c>/v1/rerank</c>): a GGUF with llama.cpp's rank-pooling head.</summary>
    Rerank = 4,
}

/// <summary>One model the catalog can resolve: stored locally, built in, or offered by a configured provider.</summary>
/// <param name="Name">The reference to use (<c>minilm</c>, <c>tiny</c>, <c>openai:gpt-4o-mini</c>).</param>
/// <param name="Location"><c>local</c>, <c>builtin</c> or <c>remote</c>.</param>
/// <param name="Format">The file format (gguf, onnx, torch) or the remote protocol (openai, anthropic).</param>
/// <param name="Size">Bytes on disk, for local models.</param>
/// <param name="Capabilities">What it can do.</param>
/// <param name="Failing">Why the model is marked failing (its runner crashed repeatedly), or null when it is not.</param>
public sealed record CatalogEntry(string Name, string Location, string Format, long? Size, ModelCapabilities Capabilities, string? Failing = null);
