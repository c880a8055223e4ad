namespace Strata.Orchestration.Rag;

/// <summary>How a question is answered.</summary>
public sealed record RagOptions
{
    /// <summary>The chat model; null answers extractively (the best passages with their citations).</summary>
    public string? ChatModel { get; init; }

    /// <summary>How passages are found.</summary>
    public RetrievalMode Mode { get; init; } = RetrievalMode.Hybrid;

    /// <summary>How many passages are retrieved before fitting the budget (<see cref="RagLimits.MinK"/> to <see cref="RagLimits.MaxK"/>).</summary>
    public int K { get; init; } = RagLimits.DefaultK;

    /// <summary>The token budget of the context passages, so prompt and answer fit the chat model's window.</summary>
    public int ContextTokens { get; init; } = 2048;

    /// <summary>The most tokens the answer may take.</summary>
    public int MaxAnswerTokens { get; init; } = 512;

    /// <summary>
    /// How a passage's source is shown in the prompt, the answer and its citations; the stored source (a file path)
    /// when null. A server maps paths on its disk to document names here.
    /// </summary>
    public Func<string, string>? SourceName { get; init; }

    /// <summary>A stored cross-encoder that reorders the retrieved candidates; the service's default (<c>Rag:RerankModel</c>) when null.</summary>
    public string? RerankModel { get; init; }

    /// <summary>Sampling temperature for the answer.</summary>
    public float Temperature { get; init; } = 0.2f;
}
