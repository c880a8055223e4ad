using System.Text;
using Strata.Data.Documents;
using Strata.Models.Embeddings;

namespace Strata.Data.Tests.Documents;

/// <summary>Chunks carry their page's title and section path, which is embedded with them; Sphinx page furniture stays out.</summary>
public sealed class ContextHeaderTests
{
    private static readonly MiniLmTokenCounter Counter = new();

    // The shape of a page of Python's library reference (Sphinx): navigation bars, a div.body with role=main,
    // pilcrow permalinks in every heading, and a footer div that is not a <footer> element.
    private const string SphinxPage = """
        <html><head><title>re — Regular expression operations — Python 3.11 documentation</title></head><body>
        <div class="related" role="navigation"><a href="index.html">index</a> | <a href="zlib.html">next</a></div>
        <div class="document"><div class="body" role="main">
        <h1><code>re</code> — Regular expression operations<a class="headerlink" href="#module-re">¶</a></h1>
        <p>This module provides regular expression matching operations similar to those found in Perl.</p>
        <h2>Regular Expression Syntax<a class="headerlink" href="#syntax">¶</a></h2>
        <p>A regular expression specifies a set of strings that matches it.</p>
        </div></div>
        <div class="footer">© Copyright 2001-2023, Python Software Foundation. Found a bug?</div>
        </body></html>
        """;

    [Fact]
    public void Each_chunk_of_a_reference_page_gets_the_title_and_the_headings_the_title_lacks()
    {
        var chunks = new RecursiveChunker(Counter).Chunk(Parse(SphinxPage));

        Assert.Equal(2, chunks.Count);
        Assert.Equal("re — Regular expression operations — Python 3.11 documentation", chunks[0].Header);
        Assert.Equal("re — Regular expression operations — Python 3.11 documentation > Regular Expression Syntax", chunks[1].Header);
        Assert.Equal(chunks[1].Header + "\n\n" + chunks[1].Text, chunks[1].ContextualText);
        Assert.StartsWith("Regular Expression Syntax\n\nA regular expression specifies", chunks[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sphinx_permalinks_navigation_and_footer_are_not_text()
    {
        var document = Parse(SphinxPage);

        Assert.DoesNotContain("¶", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Copyright", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("next", document.Text, StringComparison.Ordinal);
        Assert.Equal(["re — Regular expression operations", "Regular Expression Syntax"], document.Sections[^1].HeadingPath);
    }

    [Theory]
    [InlineData(64, 8)]
    [InlineData(254, 32)]
    public void Header_and_text_together_fit_the_token_budget(int maxTokens, int overlap)
    {
        var paragraphs = string.Concat(Enumerable.Range(0, 40).Select(i => $"<p>Paragraph {i} explains how the pattern compiler caches compiled expressions for reuse.</p>"));
        var page = SphinxPage.Replace("<p>A regular expression", paragraphs + "<p>A regular expression", StringComparison.Ordinal);

        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap }).Chunk(Parse(page));

        Assert.True(chunks.Count > 3);
        Assert.Contains(chunks, c => c.Header is not null);
        Assert.All(chunks, c => Assert.InRange(Counter.CountTokens(c.ContextualText), 1, maxTokens));
    }

    [Fact]
    public void A_header_that_would_take_over_a_quarter_of_the_budget_is_left_off()
    {
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { MaxTokens = 40, OverlapTokens = 4 }).Chunk(Parse(SphinxPage));

        Assert.All(chunks, c => Assert.Null(c.Header));
        Assert.All(chunks, c => Assert.Equal(c.Text, c.ContextualText));
    }

    [Fact]
    public void Headers_can_be_turned_off()
    {
        var chunks = new RecursiveChunker(Counter, new ChunkingOptions { ContextHeaders = false }).Chunk(Parse(SphinxPage));

        Assert.All(chunks, c => Assert.Null(c.Header));
    }

    private static LoadedDocument Parse(string html) => new HtmlParser().Parse(Encoding.UTF8.GetBytes(html), "re.html");
}
