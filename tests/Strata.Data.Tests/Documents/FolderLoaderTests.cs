using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

public sealed class FolderLoaderTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_folder_loads_recursively_and_bad_files_fail_alone()
    {
        folder.Write("a.txt", "alpha");
        folder.Write("docs/b.md", "# Bravo\n\ntext");
        folder.Write("docs/deep/c.pdf", TestDocuments.Pdf(["Charlie"]));
        folder.Write("docs/corrupt.pdf", "%PDF-1.4 garbage");
        folder.Write("docs/empty.txt", "");
        folder.Write("docs/binary.txt", [0, 1, 2, 3, 0xFF]);

        var results = new DocumentLoader().LoadFolder(folder.Path);

        Assert.Equal(
            ["a.txt:ok", "docs/b.md:ok", "docs/binary.txt:failed", "docs/corrupt.pdf:failed", "docs/deep/c.pdf:ok", "docs/empty.txt:failed"],
            results.Select(r => $"{Path.GetRelativePath(folder.Path, r.Source)}:{(r.IsSuccess ? "ok" : "failed")}").ToArray());
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.False(string.IsNullOrWhiteSpace(r.FailureReason)));
    }

    [Fact]
    public void Include_and_exclude_globs_select_files_and_hidden_ones_are_skipped()
    {
        folder.Write("keep/one.md", "one");
        folder.Write("keep/two.txt", "two");
        folder.Write("keep/drafts/three.md", "three");
        folder.Write("keep/.secret.md", "hidden file");
        folder.Write(".git/config.md", "hidden folder");
        folder.Write("other/four.md", "four");
        var options = new FolderLoadOptions();
        options.Include.Add("keep/**/*.md");
        options.Exclude.Add("**/drafts/**");

        var files = DocumentLoader.FolderFiles(folder.Path, options);

        Assert.Equal(["keep/one.md"], files.Select(f => Path.GetRelativePath(folder.Path, f)).ToArray());
    }

    [Fact]
    public void Hidden_files_load_when_asked()
    {
        folder.Write(".notes.txt", "hidden");
        var options = new FolderLoadOptions { IncludeHidden = true };
        Assert.Single(DocumentLoader.FolderFiles(folder.Path, options));
        Assert.Empty(DocumentLoader.FolderFiles(folder.Path, new FolderLoadOptions()));
    }
}
