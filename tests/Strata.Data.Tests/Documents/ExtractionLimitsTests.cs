using System.IO.Compression;
using System.Text;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>A document that expands past a limit fails with a reason naming the limit, before it costs much.</summary>
public sealed class ExtractionLimitsTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Text_past_the_character_limit_fails_naming_it()
    {
        var line = "The harbour master assigns berths each morning at seven.\n";
        var text = new StringBuilder();
        while (text.Length <= ExtractionLimits.MaxCharacters)
        {
            text.Append(line);
        }

        var result = new DocumentLoader().LoadFile(folder.Write("long.txt", text.ToString()));

        Assert.False(result.IsSuccess);
        Assert.Contains("more than 16,000,000 characters", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docx_whose_xml_unpacks_past_the_limit_fails_before_it_is_parsed()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var result = new DocumentLoader().LoadFile(folder.Write("bomb.docx", DocxWithXml(40L << 20)));

        Assert.False(result.IsSuccess);
        Assert.Contains("bytes of XML; the limit is", result.FailureReason, StringComparison.Ordinal);
        // Refused from the archive's directory: nowhere near the gigabytes that parsing 40 MB of XML takes.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64L << 20, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void An_archive_with_too_many_parts_fails()
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i <= ExtractionLimits.MaxArchiveEntries; i++)
            {
                zip.CreateEntry($"word/media/p{i}.bin", CompressionLevel.NoCompression);
            }
        }

        var result = new DocumentLoader().LoadFile(folder.Write("parts.docx", bytes.ToArray()));

        Assert.False(result.IsSuccess);
        Assert.Contains("parts; the limit is 10,000", result.FailureReason, StringComparison.Ordinal);
    }

    private static byte[] DocxWithXml(long xmlBytes)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var document = new StreamWriter(zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open());
            document.Write("""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""");
            var paragraph = "<w:p><w:r><w:t>" + new string('a', 1000) + "</w:t></w:r></w:p>";
            for (long written = 0; written < xmlBytes; written += paragraph.Length)
            {
                document.Write(paragraph);
            }

            document.Write("</w:body></w:document>");
        }

        return bytes.ToArray();
    }
}
