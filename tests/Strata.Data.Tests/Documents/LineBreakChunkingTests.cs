using Strata.Models.Embeddings;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>
/// The chunker counts tokens with the embedding model's own tokenizer, line breaks included: a text of short lines is
/// as many tokens as words. (With line breaks deleted, 2,000 lines of "hello" were one 12,000-character word, counted
/// as a single [UNK], and became one chunk far beyond what the model reads.)
/// </summary>
public sealed class LineBreakChunkingTests
{
    private static readonly MiniLmTokenCounter Counter = new();

    [Fact]
    public void Words_on_separate_lines_count_one_token_each()
    {
        Assert.Equal(3, Counter.CountTokens("apple\nbanana\ncherry"));
        Assert.Equal(3, Counter.CountTokens("one\ttwo\r\nthree"));
    }

    [Fact]
    public void Two_thousand_lines_of_hello_separated_by_blank_lines_make_more_than_one_chunk()
    {
        var text = string.Join("\n\n", Enumerable.Repeat("hello", 2000));
        var document = new PlainTextParser().Parse(System.Text.Encoding.UTF8.GetBytes(text), "hello.txt");

        var chunks = new RecursiveChunker(Counter).Chunk(document);

        Assert.True(chunks.Count > 1, $"{chunks.Count} chunk(s)");
        Assert.All(chunks, chunk => Assert.InRange(chunk.TokenCount, 1, new ChunkingOptions().MaxTokens));
    }
}
