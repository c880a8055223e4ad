namespace Strata.Data.Documents;

/// <summary>A document turned into text, with the parts a citation can point at.</summary>
/// <param name="Source">The file path or URL it was read from.</param>
/// <param name="Title">The document's own title (HTML title, PDF metadata, first heading), or null when it has none.</param>
/// <param name="ContentType">The media type it was parsed as, such as <c>text/html</c>.</param>
/// <param name="Text">The whole extracted text: the sections' texts joined by blank lines.</param>
/// <param name="Sections">The sections in document order; their offsets index <paramref name="Text"/>.</param>
public sealed record LoadedDocument(
    string Source,
    string? Title,
    string ContentType,
    string Text,
    IReadOnlyList<DocumentSection> Sections);
