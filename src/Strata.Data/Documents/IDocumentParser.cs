namespace Strata.Data.Documents;

/// <summary>Turns the bytes of one format into a <see cref="LoadedDocument"/>.</summary>
public interface IDocumentParser
{
    /// <summary>The media type this parser reads, such as <c>application/pdf</c>.</summary>
    string ContentType { get; }

    /// <summary>Whether the format is text, so bytes that look binary mean the file is not what its name says.</summary>
    bool IsTextFormat { get; }

    /// <summary>Parses <paramref name="content"/>; throws <see cref="DocumentFormatException"/> when it is malformed.</summary>
    LoadedDocument Parse(ReadOnlyMemory<byte> content, string source);
}
