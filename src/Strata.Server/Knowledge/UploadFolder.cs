using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Data.Ingestion;

namespace Strata.Server.Knowledge;

/// <summary>
/// Where uploaded documents are kept for ingestion: <c>$STRATA_HOME/uploads/COLLECTION/NAME</c>. Names come from the
/// client, so they are reduced to a safe file name (<see cref="SafeName"/>). An upload is first staged beside its
/// target and only moved into place once the ingestion queue has taken it, so a refused upload replaces nothing.
/// </summary>
public sealed class UploadFolder(StrataPaths paths)
{
    private const int MaxNameLength = 120;
    private const int MaxExtensionLength = 16;

    /// <summary>The folder of <paramref name="collection"/>'s uploads.</summary>
    public string Of(string collection) => IngestionPaths.Uploads(paths, collection);

    /// <summary>Where the upload called <paramref name="safeName"/> lives.</summary>
    public string PathOf(string collection, string safeName) => Path.Combine(Of(collection), safeName);

    /// <summary>
    /// A file name safe to create inside an upload folder, derived from what the client sent: its last path segment,
    /// with only letters, digits, '-', '_' and '.' kept (others become '_'), no leading dot, and its extension kept
    /// ("..md" is "document-….md"). A name that had to change gets a short hash of the name as sent, so two different
    /// names never become the same file ("a b.md" and "a_b.md" stay two documents); the same name always maps to the
    /// same file, so uploading it again replaces it, as a new version should.
    /// </summary>
    public static string SafeName(string? clientName)
    {
        // Browsers on Windows may send a full path; keep only the last segment whatever the separator.
        var sent = (clientName ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var dot = sent.LastIndexOf('.');
        var stem = dot > 0 ? sent[..dot] : dot == 0 ? "" : sent;
        var extension = dot >= 0 ? sent[dot..] : "";
        if (extension.Length > MaxExtensionLength + 1 || extension.Skip(1).Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            stem = sent;
            extension = "";
        }

        var cleaned = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).TrimStart('.');
        if (!cleaned.Any(char.IsAsciiLetterOrDigit))
        {
            cleaned = "document";
        }

        // A name that had to change, or that is too long, gets a hash of the name as sent: two names never share a file.
        var hashed = cleaned + extension != sent || cleaned.Length + extension.Length > MaxNameLength;
        var suffix = hashed ? "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sent)))[..8] : "";
        var room = MaxNameLength - extension.Length - suffix.Length;
        if (cleaned.Length > room)
        {
            cleaned = cleaned[..room];
        }

        return cleaned + suffix + extension;
    }

    /// <summary>Writes <paramref name="content"/> to a new staging file in the collection's folder and returns its path.</summary>
    public async Task<string> StageAsync(string collection, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var folder = Of(collection);
        Directory.CreateDirectory(folder);
        var staged = Path.Combine(folder, $".{Guid.NewGuid():N}.part");
        try
        {
            await using var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await content.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(staged);
            throw;
        }

        return staged;
    }

    /// <summary>Moves a staged file into place (atomically replacing an earlier version).</summary>
    public static void Commit(string staged, string target) => File.Move(staged, target, overwrite: true);

    /// <summary>Deletes a staged file that will not be used.</summary>
    public static void Discard(string staged) => File.Delete(staged);
}
