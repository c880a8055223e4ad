namespace Strata.Data.Documents;

/// <summary>
/// How far one document may expand between its bytes and its chunks. A small file can unpack into far more work than
/// its size suggests (a 146 KB DOCX held 100 MB of XML: 3.4 GB of memory and 90,090 chunks), so each stage has a cap,
/// and a document over one fails with a reason that names it instead of taking the machine.
/// </summary>
public static class ExtractionLimits
{
    /// <summary>Parts in an Office file (a ZIP archive).</summary>
    public const int MaxArchiveEntries = 10_000;

    /// <summary>
    /// Uncompressed bytes of an Office file's XML parts, checked before any is parsed: the XML is loaded whole, at about
    /// 30 bytes of memory per byte, and 32 MiB of document XML is already well over a thousand pages of text.
    /// </summary>
    public const long MaxArchiveXmlBytes = 32L << 20;

    /// <summary>Characters in one XML part as it is read: the same bound, enforced even if an archive misstates its sizes.</summary>
    public const long MaxCharactersInPart = 32L << 20;

    /// <summary>Pages of a PDF.</summary>
    public const int MaxPdfPages = 5_000;

    /// <summary>Characters of extracted text in one document, whatever its format (about 16 MB of plain text).</summary>
    public const int MaxCharacters = 16_000_000;

    /// <summary>Chunks of one document (about 8 million tokens at the default chunk size).</summary>
    public const int MaxChunks = 32_768;
}
