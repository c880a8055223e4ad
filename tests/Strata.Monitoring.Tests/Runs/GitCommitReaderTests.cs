using Strata.Monitoring.Runs;

namespace Strata.Monitoring.Tests.Runs;

public sealed class GitCommitReaderTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_branch_head_is_followed_to_its_loose_ref_from_a_subfolder()
    {
        var git = Directory.CreateDirectory(_folder.Combine("repo", ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
        Directory.CreateDirectory(Path.Combine(git, "refs", "heads"));
        File.WriteAllText(Path.Combine(git, "refs", "heads", "main"), Commit + "\n");
        var nested = Directory.CreateDirectory(_folder.Combine("repo", "src", "deep")).FullName;

        Assert.Equal(Commit, GitCommitReader.Read(nested));
    }

    [Fact]
    public void A_detached_head_and_a_packed_ref_are_read()
    {
        var detached = Directory.CreateDirectory(_folder.Combine("detached", ".git")).FullName;
        File.WriteAllText(Path.Combine(detached, "HEAD"), Commit);
        var packed = Directory.CreateDirectory(_folder.Combine("packed", ".git")).FullName;
        File.WriteAllText(Path.Combine(packed, "HEAD"), "ref: refs/heads/dev");
        File.WriteAllText(Path.Combine(packed, "packed-refs"), $"# pack-refs with: peeled\n{Commit} refs/heads/dev\n");

        Assert.Equal(Commit, GitCommitReader.Read(_folder.Combine("detached")));
        Assert.Equal(Commit, GitCommitReader.Read(_folder.Combine("packed")));
    }

    [Fact]
    public void A_worktree_reads_its_own_head_and_the_shared_branches()
    {
        var main = Directory.CreateDirectory(_folder.Combine("main", ".git")).FullName;
        Directory.CreateDirectory(Path.Combine(main, "refs", "heads"));
        File.WriteAllText(Path.Combine(main, "refs", "heads", "feature"), Commit);
        var worktreeGit = Directory.CreateDirectory(Path.Combine(main, "worktrees", "wt")).FullName;
        File.WriteAllText(Path.Combine(worktreeGit, "HEAD"), "ref: refs/heads/feature");
        File.WriteAllText(Path.Combine(worktreeGit, "commondir"), "../..");
        var worktree = Directory.CreateDirectory(_folder.Combine("wt")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {worktreeGit}\n");

        Assert.Equal(Commit, GitCommitReader.Read(worktree));
    }

    [Fact]
    public void A_folder_outside_any_repository_has_no_commit()
    {
        // The temporary folder's parents are not repositories on any machine these tests run on.
        Assert.Null(GitCommitReader.Read(_folder.Path));
    }
}
