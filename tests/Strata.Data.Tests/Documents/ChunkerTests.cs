using Strata.Models.Embeddings;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

public sealed class ChunkerTests : IDisposable
{
    private static readonly MiniLmTokenCounter Counter = new();
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static LoadedDocument Parse(IDocumentParser parser, string text) =>
        parser.Parse(System.Text.Encoding.UTF8.GetBytes(text), "test");

    /// <summary>Deterministic prose: sentences of common words, paragraphs of a few sentences.</summary>
    private static string Prose(int paragraphs, int seed = 7)
    {
        string[] words = ["the", "kernel", "loads", "modules", "while", "users", "configure", "network", "interfaces",
            "and", "packages", "depend", "on", "libraries", "that", "archive", "mirrors", "serve", "quickly", "daily"];
        var random = new Random(seed);
        var text = new System.Text.StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            for (var s = 0; s < 4; s++)
            {
                var length = random.Next(6, 14);
                var sentence = string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)]));
                text.Append(char.ToUpperInvariant(sentence[0])).Append(sentence[1..]).Append(". ");
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }

    private static void AssertChunksAreExact(LoadedDocument document, IReadOnlyList<DocumentChunk> chunks, int maxTokens)
    {
        Assert.NotEmpty(chunks);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Index);
            Assert.Equal(chunk.Text, document.Text[chunk.StartOffset..chunk.EndOffset]);
            Assert.Equal(Counter.CountTokens(chunk.Text), chunk.TokenCount);
            Assert.InRange(chunk.TokenCount, 1, maxTokens);
            var section = Assert.Single(document.Sections, s => s.StartOffset <= chunk.StartOffset && chunk.EndOffset <= s.EndOffset);
            Assert.Equal(section.PageNumber, chunk.PageNumber);
            Assert.Equal(section.HeadingPath, chunk.HeadingPath);
        }
    }

    [Fact]
    public void No_chunk_exceeds_the_budget_and_offsets_map_back_to_the_text()
    {
        var document = Parse(new PlainTextParser(), Prose(30));
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 64, OverlapTokens = 16 }).Chunk(document);
        AssertChunksAreExact(document, chunks, 64);
        Assert.True(chunks.Count > 10);
    }

    [Fact]
    public void Consecutive_chunks_overlap_by_up_to_the_configured_tokens()
    {
        var document = Parse(new PlainTextParser(), Prose(20));
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 80, OverlapTokens = 20 }).Chunk(document);
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.True(next.StartOffset < previous.EndOffset, $"chunk {next.Index} does not overlap chunk {previous.Index}");
            Assert.True(next.StartOffset > previous.StartOffset);
            var shared = Counter.CountTokens(document.Text[next.StartOffset..previous.EndOffset]);
            // Short words: the overlap can stop at most one word short of the budget.
            Assert.InRange(shared, 15, 20);
        }
    }

    [Fact]
    public void Without_overlap_chunks_tile_the_text()
    {
        var document = Parse(new PlainTextParser(), Prose(12));
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 50, OverlapTokens = 0 }).Chunk(document);
        AssertChunksAreExact(document, chunks, 50);
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.True(next.StartOffset >= previous.EndOffset);
            Assert.True(string.IsNullOrWhiteSpace(document.Text[previous.EndOffset..next.StartOffset]));
        }

        Assert.Equal(0, chunks[0].StartOffset);
        Assert.Equal(document.Text.Length, chunks[^1].EndOffset);
    }

    [Fact]
    public void Chunks_never_span_two_markdown_sections_and_carry_the_heading_path()
    {
        var markdown = $"# Setup\n\n{Prose(3, seed: 1)}## Network\n\n{Prose(3, seed: 2)}# Usage\n\nShort.\n";
        var document = Parse(new MarkdownParser(), markdown);
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 60, OverlapTokens = 10 }).Chunk(document);
        AssertChunksAreExact(document, chunks, 60);
        Assert.Contains(chunks, c => c.HeadingPath.SequenceEqual(["Setup", "Network"]));
        Assert.Equal(["Usage"], chunks[^1].HeadingPath);
        Assert.Equal("# Usage\n\nShort.", chunks[^1].Text);
    }

    [Fact]
    public void Pdf_chunks_keep_their_page_numbers()
    {
        var pages = Enumerable.Range(1, 3).Select(p => Enumerable.Range(0, 12).Select(l => $"Page {p} line {l} says something about mirrors.").ToArray()).ToArray();
        var result = new DocumentLoader().LoadFile(folder.Write("paged.pdf", TestDocuments.Pdf(pages)));
        Assert.True(result.IsSuccess, result.FailureReason);
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 40, OverlapTokens = 8 }).Chunk(result.Document);
        AssertChunksAreExact(result.Document, chunks, 40);
        Assert.Equal([1, 2, 3], chunks.Select(c => c.PageNumber ?? 0).Distinct().ToArray());
        Assert.All(chunks, c => Assert.DoesNotContain(c.PageNumber == 1 ? "Page 2" : "Page 1", c.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_without_whitespace_is_cut_by_characters_within_the_budget()
    {
        var blob = string.Concat(Enumerable.Range(0, 400).Select(i => (char)('a' + (i * 7 % 26))));
        var document = Parse(new PlainTextParser(), $"Header line.\n{blob}\nFooter line.");
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 30, OverlapTokens = 5 }).Chunk(document);
        AssertChunksAreExact(document, chunks, 30);
    }

    [Fact]
    public void A_long_run_of_punctuation_is_cut_into_the_longest_pieces_that_fit()
    {
        // A token per character and no whitespace: every piece comes from the character search (once quadratic in the
        // run's length, minutes for 200 KB). The pieces are still the longest prefixes that fit, so the count is minimal.
        var run = new string('`', 20_000);
        var document = Parse(new PlainTextParser(), run);
        var options = new ChunkingOptions { MaxTokens = 254, OverlapTokens = 0 };

        var chunks = new RecursiveChunker(Counter, options).Chunk(document);

        AssertChunksAreExact(document, chunks, options.MaxTokens);
        Assert.Equal(run.Length, chunks.Sum(c => c.Text.Length));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(options.MaxTokens, c.TokenCount));
    }

    [Fact]
    public void Chunking_is_deterministic()
    {
        var document = Parse(new MarkdownParser(), $"# A\n\n{Prose(8, seed: 3)}# B\n\n{Prose(8, seed: 4)}");
        var chunker = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 70, OverlapTokens = 12 });
        Assert.Equal(chunker.Chunk(document).Select(c => (c.StartOffset, c.EndOffset, c.TokenCount)), chunker.Chunk(document).Select(c => (c.StartOffset, c.EndOffset, c.TokenCount)));
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(4, 0)]
    [InlineData(20, -1)]
    public void Overlaps_of_half_the_budget_or_more_are_refused(int maxTokens, int overlap) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap }));
}
