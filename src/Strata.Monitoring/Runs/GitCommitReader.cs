namespace Strata.Monitoring.Runs;

/// <summary>
/// Finds the commit checked out in a folder by reading <c>.git</c> files directly, so recording a run needs no git
/// installation and starts no process. Handles worktrees (<c>.git</c> as a file) and packed refs.
/// </summary>
public static class GitCommitReader
{
    /// <summary>The commit of the repository holding <paramref name="directory"/> (or a parent), or null.</summary>
    public static string? Read(string directory)
    {
        try
        {
            for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
            {
                var dotGit = Path.Combine(folder.FullName, ".git");
                if (Directory.Exists(dotGit))
                {
                    return ReadHead(dotGit);
                }

                if (File.Exists(dotGit))
                {
                    var line = File.ReadAllText(dotGit).Trim();
                    const string prefix = "gitdir:";
                    return line.StartsWith(prefix, StringComparison.Ordinal)
                        ? ReadHead(Path.GetFullPath(line[prefix.Length..].Trim(), folder.FullName))
                        : null;
                }
            }
        }
        catch (IOException)
        {
            // A broken or unreadable repository only means the run has no commit recorded.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static string? ReadHead(string gitDir)
    {
        var head = Path.Combine(gitDir, "HEAD");
        if (!File.Exists(head))
        {
            return null;
        }

        var content = File.ReadAllText(head).Trim();
        const string refPrefix = "ref:";
        if (!content.StartsWith(refPrefix, StringComparison.Ordinal))
        {
            return IsCommit(content) ? content : null;
        }

        var reference = content[refPrefix.Length..].Trim();
        // A worktree keeps its HEAD in its own folder but shares branches with the main repository (commondir).
        var commonFile = Path.Combine(gitDir, "commondir");
        var commonDir = File.Exists(commonFile) ? Path.GetFullPath(File.ReadAllText(commonFile).Trim(), gitDir) : gitDir;
        foreach (var dir in new[] { gitDir, commonDir })
        {
            var loose = Path.Combine(dir, reference.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(loose))
            {
                var commit = File.ReadAllText(loose).Trim();
                return IsCommit(commit) ? commit : null;
            }
        }

        var packed = Path.Combine(commonDir, "packed-refs");
        if (File.Exists(packed))
        {
            foreach (var line in File.ReadLines(packed))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[1] == reference && IsCommit(parts[0]))
                {
                    return parts[0];
                }
            }
        }

        return null;
    }

    private static bool IsCommit(string text) => text.Length is 40 or 64 && text.All(Uri.IsHexDigit);
}
