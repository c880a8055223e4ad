using Microsoft.Extensions.Configuration;

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

    /// <summary>Reads the limits from configuration.</summary>
    public static RequestLimits FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new RequestLimits(
            configuration.GetValue("Server:MaxRequestBytes", 8L << 20),
            configuration.GetValue("Server:MaxOutputTokens", 4096),
            configuration.GetValue("Server:MaxPromptCharacters", 1_000_000),
            configuration.GetValue("Server:MaxEmbeddingInputs", 2048))
        {
            MaxUploadBytes = configuration.GetValue("Server:MaxUploadBytes", 64L << 20),
            IngestionQueueLength = Math.Max(1, configuration.GetValue("Server:IngestionQueueLength", 256)),
        };
    }
}
