namespace Strata.Data.Documents;

/// <summary>
/// One part of a loaded document: a page of a PDF, the text under a heading, a line of a JSONL file.
/// <see cref="StartOffset"/> and <see cref="EndOffset"/> index <see cref="LoadedDocument.Text"/>, so the section's
/// text is exactly <c>document.Text[StartOffset..EndOffset]</c>.
/// </summary>
/// <param name="Text">The section's text.</param>
/// <param name="PageNumber">The 1-based page it comes from, for paged formats (PDF); otherwise null.</param>
/// <param name="HeadingPath">The headings above the section, outermost first; empty where the format has none.</param>
/// <param name="StartOffset">Where the section starts in the document text.</param>
/// <param name="EndOffset">Where the section ends (exclusive) in the document text.</param>
public sealed record DocumentSection(
    string Text,
    int? PageNumber,
    IReadOnlyList<string> HeadingPath,
    int StartOffset,
    int EndOffset);
