namespace Strata.Data.Documents;

/// <summary>A piece of a document small enough to embed, with what a citation needs to point back at it.</summary>
/// <param name="Source">The document's file path or URL.</param>
/// <param name="Index">The chunk's position in the document, from 0.</param>
/// <param name="Text">The chunk's text: exactly <c>document.Text[StartOffset..EndOffset]</c>.</param>
/// <param name="StartOffset">Where the chunk starts in the document text.</param>
/// <param name="EndOffset">Where the chunk ends (exclusive) in the document text.</param>
/// <param name="TokenCount">Its length in the embedding model's tokens.</param>
/// <param name="PageNumber">The 1-based page it is on, for paged formats; otherwise null.</param>
/// <param name="HeadingPath">The headings above it, outermost first.</param>
/// <param name="Header">
/// The document title and heading path as one line, embedded and indexed with the chunk (not part of <paramref name="Text"/>);
/// null when the chunker makes no headers or the document has neither.
/// </param>
public sealed record DocumentChunk(
    string Source,
    int Index,
    string Text,
    int StartOffset,
    int EndOffset,
    int TokenCount,
    int? PageNumber,
    IReadOnlyList<string> HeadingPath,
    string? Header = null)
{
    /// <summary>What is embedded and indexed: the header, a blank line and the text; the text alone without a header.</summary>
    public string ContextualText => Header is null ? Text : Header + "\n\n" + Text;
}
