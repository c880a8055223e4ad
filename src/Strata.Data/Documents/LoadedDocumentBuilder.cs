using System.Text;

namespace Strata.Data.Documents;

/// <summary>
/// Collects sections and joins them into one text, recording where each lands, so every parser produces offsets
/// the same way.
/// </summary>
internal sealed class LoadedDocumentBuilder
{
    private const string SectionSeparator = "\n\n";
    private readonly StringBuilder text = new();
    private readonly List<DocumentSection> sections = [];

    /// <summary>Adds a section; blank text is skipped because it gives a chunker nothing to cite.</summary>
    public void AddSection(string sectionText, int? pageNumber, IReadOnlyList<string> headingPath)
    {
        var trimmed = sectionText.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        if (text.Length + SectionSeparator.Length + trimmed.Length > ExtractionLimits.MaxCharacters)
        {
            throw new DocumentFormatException($"the document expands to more than {ExtractionLimits.MaxCharacters:N0} characters of text, the limit for one document");
        }

        if (text.Length > 0)
        {
            text.Append(SectionSeparator);
        }

        var start = text.Length;
        text.Append(trimmed);
        sections.Add(new DocumentSection(trimmed, pageNumber, headingPath, start, text.Length));
    }

    public bool IsEmpty => sections.Count == 0;

    public LoadedDocument Build(string source, string? title, string contentType) =>
        new(source, string.IsNullOrWhiteSpace(title) ? null : title.Trim(), contentType, text.ToString(), sections.ToArray());
}
