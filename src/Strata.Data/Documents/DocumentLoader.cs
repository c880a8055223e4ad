using Microsoft.Extensions.FileSystemGlobbing;

namespace Strata.Data.Documents;

/// <summary>
/// Loads files, folders and (when enabled) URLs into <see cref="LoadedDocument"/>s. One bad input yields a failure
/// with its reason and never an exception, so a batch always gets through the rest.
/// </summary>
public sealed class DocumentLoader
{
    private readonly DocumentLoaderOptions options;
    private readonly UrlDocumentFetcher? urlFetcher;

    /// <summary>Creates a loader; URLs are fetched through <paramref name="urlGuard"/> (the default guard when null).</summary>
    public DocumentLoader(DocumentLoaderOptions? options = null, UrlGuard? urlGuard = null)
    {
        this.options = options ?? new DocumentLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.MaxBytes, 1);
        urlFetcher = this.options.AllowUrls ? new UrlDocumentFetcher(urlGuard ?? new UrlGuard(), this.options) : null;
    }

    /// <summary>Loads one file.</summary>
    public DocumentLoadResult LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (DocumentParsers.ForPath(fullPath) is not { } parser)
        {
            return DocumentLoadResult.Failure(fullPath,
                $"unsupported format '{Path.GetExtension(fullPath)}': supported are {string.Join(", ", DocumentParsers.SupportedExtensions.Order(StringComparer.Ordinal))}");
        }

        byte[] content;
        try
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                return DocumentLoadResult.Failure(fullPath, "not found");
            }

            // Checked before reading, so a huge file costs nothing.
            if (info.Length > options.MaxBytes)
            {
                return DocumentLoadResult.Failure(fullPath, TooLarge(info.Length, options.MaxBytes));
            }

            content = File.ReadAllBytes(fullPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return DocumentLoadResult.Failure(fullPath, $"cannot read the file: {error.Message}");
        }

        return DocumentContent.Parse(parser, content, fullPath);
    }

    /// <summary>Loads the files under <paramref name="folder"/> that <paramref name="folderOptions"/> selects, in path order.</summary>
    public IReadOnlyList<DocumentLoadResult> LoadFolder(string folder, FolderLoadOptions? folderOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return FolderFiles(folder, folderOptions ?? new FolderLoadOptions()).Select(LoadFile).ToArray();
    }

    /// <summary>The files under <paramref name="folder"/> that <paramref name="folderOptions"/> selects, in path order.</summary>
    public static IReadOnlyList<string> FolderFiles(string folder, FolderLoadOptions folderOptions)
    {
        ArgumentNullException.ThrowIfNull(folderOptions);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Folder '{root}' does not exist.");
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(folderOptions.Include.Count == 0 ? ["**/*"] : folderOptions.Include);
        matcher.AddExcludePatterns(folderOptions.Exclude);
        return matcher.GetResultsInFullPath(root)
            .Where(file => folderOptions.IncludeHidden || !IsHidden(root, file))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Downloads and loads one http or https URL; fails unless <see cref="DocumentLoaderOptions.AllowUrls"/> is set.</summary>
    public async Task<DocumentLoadResult> LoadUrlAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (urlFetcher is null)
        {
            return DocumentLoadResult.Failure(url.OriginalString, "URLs are off: pass --allow-urls to 'strata ingest' (or set Ingestion:AllowUrls) to fetch web pages");
        }

        return await urlFetcher.LoadAsync(url, cancellationToken);
    }

    internal static string TooLarge(long size, long limit) =>
        $"too large: {size:N0} bytes, the limit is {limit:N0} bytes";

    private static bool IsHidden(string root, string file)
    {
        var relative = Path.GetRelativePath(root, file);
        if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
        {
            return true;
        }

        return (File.GetAttributes(file) & FileAttributes.Hidden) != 0;
    }
}
