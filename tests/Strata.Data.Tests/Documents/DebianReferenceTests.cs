using Strata.Models.Embeddings;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>A real page of Debian's reference manual (DocBook HTML), installed by scripts/install-test-deps.sh.</summary>
public sealed class DebianReferenceTests
{
    private const string Chapter = "/usr/share/debian-reference/ch08.en.html";

    [Fact]
    public void A_real_manual_page_loads_without_its_navigation_and_chunks_within_the_budget()
    {
        Assert.True(File.Exists(Chapter), $"{Chapter} is missing: install the debian-reference-en package (scripts/install-test-deps.sh does).");
        var result = new DocumentLoader().LoadFile(Chapter);
        Assert.True(result.IsSuccess, result.FailureReason);
        var document = result.Document;
        Assert.Equal("Chapter 8. I18N and L10N", document.Title);
        // The DocBook navigation footer names the neighbouring chapters; it must not leak into the content.
        Assert.DoesNotContain("Chapter 7. GUI System", document.Text, StringComparison.Ordinal);
        Assert.Contains(document.Sections, s => s.HeadingPath.Count >= 2 && s.HeadingPath[0] == "Chapter 8. I18N and L10N");

        var counter = new MiniLmTokenCounter();
        var options = new ChunkingOptions();
        var chunks = new RecursiveChunker(counter, options).Chunk(document);

        Assert.True(chunks.Count > 20, $"only {chunks.Count} chunks");
        Assert.All(chunks, chunk =>
        {
            Assert.InRange(chunk.TokenCount, 1, options.MaxTokens);
            Assert.Equal(chunk.Text, document.Text[chunk.StartOffset..chunk.EndOffset]);
            Assert.NotEmpty(chunk.HeadingPath);
        });
        Assert.Contains(chunks, c => c.Text.Contains("locale", StringComparison.Ordinal));
    }
}
