using Markdig;
using Markdig.Syntax;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>
/// Markdown is parsed a piece at a time, so a large document never holds Markdig's whole tree: the pieces must find
/// exactly the headings one parse of the whole document finds, code fences included.
/// </summary>
public sealed class MarkdownPiecesTests
{
    [Fact]
    public void Pieces_find_the_same_headings_as_one_parse_of_the_whole_document()
    {
        // This repository's own Markdown (README, docs, every layer's notes: tables, fences, lists, setext and ATX
        // headings), repeated past several pieces.
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "README.md"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToArray();
        var once = string.Join("\n\n", files).ReplaceLineEndings("\n");
        var markdown = string.Join("\n\n", Enumerable.Repeat(once, (3 * MarkdownPieces.MaxLength / once.Length) + 1));

        var pieces = MarkdownPieces.Split(markdown).ToList();
        var found = MarkdownParser.Headings(markdown).ToList();

        Assert.True(pieces.Count >= 8, $"{pieces.Count} pieces");
        Assert.Equal(markdown.Length, pieces.Sum(p => p.Length));
        Assert.Equal(WholeDocumentHeadings(markdown), found.Select(h => (h.Start, h.Level)));
    }

    [Fact]
    public void A_fence_longer_than_a_piece_stays_code_in_the_pieces_after_the_cut()
    {
        // Shell comments look like ATX headings; inside the fence they are code, also past the forced cut.
        var code = string.Concat(Enumerable.Range(0, MarkdownPieces.MaxLength / 20).Select(i => $"# step {i}\necho {i}\n\n"));
        var markdown = $"# Install\n\n~~~sh\n{code}~~~\n\n## After\n\ntext\n";

        var pieces = MarkdownPieces.Split(markdown).ToList();
        var found = MarkdownParser.Headings(markdown).ToList();

        Assert.True(pieces.Count >= 2, $"{pieces.Count} pieces");
        Assert.NotNull(pieces[1].Fence);
        Assert.Equal(["Install", "After"], found.Select(h => h.Text));
        Assert.Equal(WholeDocumentHeadings(markdown), found.Select(h => (h.Start, h.Level)));
    }

    [Fact]
    public void Nine_megabytes_of_one_word_paragraphs_load_in_pieces()
    {
        // One parse of this held 2.1 GB; each piece now holds at most one piece's tree.
        var markdown = string.Concat(Enumerable.Repeat("a\n\n", 3_000_000)) + "# Last\n\nend\n";

        var pieces = MarkdownPieces.Split(markdown).ToList();
        var document = new MarkdownParser().Parse(System.Text.Encoding.UTF8.GetBytes(markdown), "many.md");

        Assert.All(pieces, piece => Assert.True(piece.Length <= MarkdownPieces.TargetLength + 3, $"a piece of {piece.Length}"));
        Assert.Equal(["Last"], document.Sections[^1].HeadingPath);
    }

    private static List<(int Start, int Level)> WholeDocumentHeadings(string markdown)
    {
        var pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();
        return Markdown.Parse(markdown, pipeline).Descendants<HeadingBlock>().Select(h => (h.Span.Start, h.Level)).ToList();
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Strata.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }
}
