using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

public sealed class LoaderFailureTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_binary_file_renamed_txt_fails_as_binary()
    {
        var result = new DocumentLoader().LoadFile(folder.Write("image.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]));
        Assert.False(result.IsSuccess);
        Assert.StartsWith("binary content", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16_text_with_a_byte_order_mark_is_text_not_binary()
    {
        var bytes = new byte[] { 0xFF, 0xFE }.Concat(System.Text.Encoding.Unicode.GetBytes("wide text")).ToArray();
        var result = new DocumentLoader().LoadFile(folder.Write("wide.txt", bytes));
        Assert.True(result.IsSuccess, result.FailureReason);
        Assert.Equal("wide text", result.Document.Text);
    }

    [Theory]
    [InlineData("empty.txt", "")]
    [InlineData("blank.md", "  \n\n\t ")]
    [InlineData("bare.html", "<html><body><nav>only navigation</nav></body></html>")]
    public void An_empty_document_fails_as_empty(string name, string content)
    {
        var result = new DocumentLoader().LoadFile(folder.Write(name, content));
        Assert.False(result.IsSuccess);
        Assert.StartsWith("empty", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_cap_fails_as_too_large_without_being_read()
    {
        var path = Path.Combine(folder.Path, "huge.txt");
        using (var file = File.Create(path))
        {
            // Sparse: the length is what the check reads, so the test never writes 50 MB.
            file.SetLength(DocumentLoaderOptions.DefaultMaxBytes + 1);
        }

        var result = new DocumentLoader().LoadFile(path);
        Assert.False(result.IsSuccess);
        Assert.StartsWith("too large", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_size_cap_is_configurable()
    {
        var path = folder.Write("small.txt", new string('a', 101));
        Assert.False(new DocumentLoader(new DocumentLoaderOptions { MaxBytes = 100 }).LoadFile(path).IsSuccess);
        Assert.True(new DocumentLoader(new DocumentLoaderOptions { MaxBytes = 101 }).LoadFile(path).IsSuccess);
    }

    [Theory]
    [InlineData("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF body at all")]
    [InlineData("just some text pretending to be a PDF")]
    public void A_corrupt_pdf_fails_with_a_reason(string content)
    {
        var result = new DocumentLoader().LoadFile(folder.Write("broken.pdf", content));
        Assert.False(result.IsSuccess);
        Assert.Contains("PDF", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_pdf_fails_with_a_reason()
    {
        var pdf = TestDocuments.Pdf(["Some words on a page"]);
        var result = new DocumentLoader().LoadFile(folder.Write("cut.pdf", pdf[..(pdf.Length / 3)]));
        Assert.False(result.IsSuccess);
        Assert.Contains("PDF", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_docx_fails_with_a_reason()
    {
        var result = new DocumentLoader().LoadFile(folder.Write("broken.docx", "PK\u0003\u0004 not really a zip"));
        Assert.False(result.IsSuccess);
        Assert.Contains("Word document", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_extension_fails_naming_it()
    {
        var result = new DocumentLoader().LoadFile(folder.Write("tool.exe", "MZ"));
        Assert.False(result.IsSuccess);
        Assert.Contains("unsupported format '.exe'", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_are_refused_unless_enabled()
    {
        var result = await new DocumentLoader().LoadUrlAsync(new Uri("https://example.com/"));
        Assert.False(result.IsSuccess);
        Assert.Contains("URLs are off: pass --allow-urls", result.FailureReason, StringComparison.Ordinal);
    }
}
