using Strata.Core.Options;

namespace Strata.Server.OpenAi;

/// <summary>Caps on what one request may ask for, from <c>Server:*</c>; each has a safe default.</summary>
/// <param name="MaxRequestBytes">The largest request body (<c>Server:MaxRequestBytes</c>, default 8 MiB); larger bodies get 413.</param>
/// <param name="MaxOutputTokens">The most tokens one completion may ask for (<c>Server:MaxOutputTokens</c>, default 4096).</param>
/// <param name="MaxPromptCharacters">The most characters of message text in one request (<c>Server:MaxPromptCharacters</c>, default 1,000,000).</param>
/// <param name="MaxEmbeddingInputs">The most inputs in one embeddings request (<c>Server:MaxEmbeddingInputs</c>, default 2048).</param>
public sealed record RequestLimits(long MaxRequestBytes, int MaxOutputTokens, int MaxPromptCharacters, int MaxEmbeddingInputs)
{
    /// <summary>The largest document upload (<c>Server:MaxUploadBytes</c>, default 64 MiB); larger uploads get 413.</summary>
    public long MaxUploadBytes { get; init; } = 64L << 20;

    /// <summary>How many uploaded documents may wait for ingestion (<c>Server:IngestionQueueLength</c>, default 256); more get 429.</summary>
    public int IngestionQueueLength { get; init; } = 256;

    /// <summary>The most choices (<c>n</c>) one chat completion may ask for: <c>Models:Llama:MaxParallelSequences</c> (default 4).</summary>
    public int MaxChoices { get; init; } = 4;

    /// <summary>Takes the limits from the bound server options (defaults and ranges live there).</summary>
    public static RequestLimits From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RequestLimits(options.MaxRequestBytes, options.MaxOutputTokens, options.MaxPromptCharacters, options.MaxEmbeddingInputs)
        {
            MaxUploadBytes = options.MaxUploadBytes,
            IngestionQueueLength = options.IngestionQueueLength,
        };
    }
}
