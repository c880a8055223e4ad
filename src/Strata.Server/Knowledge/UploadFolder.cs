using Strata.Data.Ingestion;
using Strata.Core;

namespace Strata.Server.Knowledge;

/// <summary>
/// Where uploaded documents are kept for ingestion: <c>$STRATA_HOME/uploads/COLLECTION/NAME</c>. Names come from the
/// client, so they are reduced to a safe file name: no folders, no leading dots, only letters, digits, '.', '-', '_'.
/// </summary>
public sealed class UploadFolder(StrataPaths paths)
{
    private const int MaxNameLength = 120;

    /// <summary>The folder of <paramref name="collection"/>'s uploads.</summary>
    public string Of(string collection) => IngestionPaths.Uploads(paths, collection);

    /// <summary>A file name safe to create inside an upload folder, derived from what the client sent.</summary>
    public static string SafeName(string? clientName)
    {
        // Browsers on Windows may send a full path; keep only the last segment whatever the separator.
        var last = (clientName ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var cleaned = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).TrimStart('.');
        if (cleaned.Trim('_', '.').Length == 0)
        {
            cleaned = "document";
        }

        if (cleaned.Length > MaxNameLength)
        {
            var extension = Path.GetExtension(cleaned);
            extension = extension.Length > 16 ? "" : extension;
            cleaned = cleaned[..(MaxNameLength - extension.Length)] + extension;
        }

        return cleaned;
    }

    /// <summary>Saves <paramref name="content"/> as <paramref name="safeName"/> atomically (temporary file, flush, rename) and returns its path.</summary>
    public async Task<string> SaveAsync(string collection, string safeName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var folder = Of(collection);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, safeName);
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
            return target;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
