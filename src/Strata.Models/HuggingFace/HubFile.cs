namespace Strata.Models.HuggingFace;

/// <summary>A file in a Hub repository at one commit, as the Hub's file list describes it.</summary>
/// <param name="Path">The file's path inside the repository, with forward slashes.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="Sha256">SHA-256 of the contents for files stored with Git LFS, else null.</param>
/// <param name="GitBlobId">The git blob id (SHA-1 of <c>"blob {size}\0"</c> and the contents), when the Hub gave it.</param>
public sealed record HubFile(string Path, long Size, string? Sha256, string? GitBlobId)
{
    /// <summary>The last segment of <see cref="Path"/>.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}

/// <summary>A repository's files at the commit a revision pointed to.</summary>
/// <param name="RepositoryId"><c>OWNER/REPO</c>.</param>
/// <param name="Commit">The commit the revision resolved to.</param>
/// <param name="Files">Every file in the repository at that commit.</param>
public sealed record HubRepository(string RepositoryId, string Commit, IReadOnlyList<HubFile> Files);
