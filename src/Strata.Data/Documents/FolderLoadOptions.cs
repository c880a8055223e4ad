namespace Strata.Data.Documents;

/// <summary>Which files of a folder to load.</summary>
public sealed class FolderLoadOptions
{
    /// <summary>Glob patterns, relative to the folder, of files to load; every file when empty.</summary>
    public IList<string> Include { get; } = [];

    /// <summary>Glob patterns, relative to the folder, of files to leave out.</summary>
    public IList<string> Exclude { get; } = [];

    /// <summary>Whether files and folders whose names start with a dot (or are marked hidden) are loaded. Off by default.</summary>
    public bool IncludeHidden { get; set; }
}
