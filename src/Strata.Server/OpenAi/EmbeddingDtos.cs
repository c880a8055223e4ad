using System.Text.Json.Serialization;

namespace Strata.Server.OpenAi;

/// <summary>OpenAI's embeddings response.</summary>
public sealed record EmbeddingList(
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingItem> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "list";
}

/// <summary>One input's vector: a float array, or base64 of little-endian float32 when asked for.</summary>
public sealed record EmbeddingItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding)
{
    /// <summary>Always <c>embedding</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "embedding";
}

/// <summary>Token counts of an embeddings request.</summary>
public sealed record EmbeddingUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);
