namespace Strata.Models.Embeddings;

/// <summary>One input as word-piece ids, special tokens included, cut to the model's limit.</summary>
/// <param name="Ids">The ids fed to the model.</param>
/// <param name="TokenCount">How many word pieces the whole text has (special tokens included), before truncation.</param>
internal readonly record struct EncodedText(int[] Ids, int TokenCount)
{
    /// <summary>Whether the text had more word pieces than the model reads.</summary>
    public bool Truncated => TokenCount > Ids.Length;
}
