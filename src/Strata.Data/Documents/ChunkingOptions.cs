namespace Strata.Data.Documents;

/// <summary>How big chunks are and how much consecutive chunks share, in the embedding model's tokens.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The most tokens in one chunk. The default fills MiniLM's 256-piece input less its [CLS] and [SEP].</summary>
    public int MaxTokens { get; set; } = 254;

    /// <summary>
    /// The most tokens a chunk repeats from the end of the one before it, so a sentence cut at a boundary is still
    /// whole in one of them. Must be less than half of <see cref="MaxTokens"/>.
    /// </summary>
    public int OverlapTokens { get; set; } = 32;

    /// <summary>
    /// Give each chunk a header of its document's title and heading path (<see cref="DocumentChunk.Header"/>), which
    /// is embedded and indexed with the chunk; the header's tokens come out of <see cref="MaxTokens"/>. A chunk deep in
    /// a reference page otherwise never says which page it is on, and a question about the page matches no chunk.
    /// </summary>
    public bool ContextHeaders { get; set; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 8, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(OverlapTokens, nameof(OverlapTokens));
        if (OverlapTokens * 2 >= MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(OverlapTokens), OverlapTokens, $"The overlap must be less than half of the chunk size ({MaxTokens}).");
        }
    }
}
