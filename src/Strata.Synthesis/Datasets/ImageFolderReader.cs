using System.Security.Cryptography;
using SkiaSharp;
using Strata.Synthesis.Imaging;

namespace Strata.Synthesis.Datasets;

/// <summary>A file left out of a dataset, and why.</summary>
/// <param name="File">The file's path relative to the imported folder.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record DroppedFile(string File, string Reason);

/// <summary>What cleaning a folder of images did.</summary>
/// <param name="Found">Image files found (by extension).</param>
/// <param name="Kept">Images kept.</param>
/// <param name="Dropped">Files dropped as undecodable, with reasons.</param>
/// <param name="Duplicates">Exact duplicates removed (identical pixels after normalisation).</param>
public sealed record CleaningReport(int Found, int Kept, IReadOnlyList<DroppedFile> Dropped, int Duplicates);

/// <summary>
/// Reads a folder of PNG / JPEG images with SkiaSharp and cleans them: undecodable files are dropped with a reason,
/// every image is converted to one colour mode and scaled to one square size (centre crop, then resize), and exact
/// duplicates are removed. Sub-folder names become labels when there are sub-folders.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Reads and cleans the images under <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder; searched recursively, hidden entries skipped.</param>
    /// <param name="size">Side of the square output images.</param>
    /// <param name="grayscale">One grey channel instead of RGB.</param>
    /// <param name="limit">Stop after this many kept images (null: all).</param>
    public static (ImageSet Images, CleaningReport Report, IReadOnlyList<string> Classes) Read(string folder, int size, bool grayscale, int? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 4);
        var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        var classes = files.Select(f => Path.GetDirectoryName(Path.GetRelativePath(folder, f)) ?? "")
            .Where(d => d.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        var channels = grayscale ? 1 : 3;
        var pixels = new List<byte[]>();
        var labels = new List<byte>();
        var dropped = new List<DroppedFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        foreach (var file in files)
        {
            if (limit is { } max && pixels.Count >= max)
            {
                break;
            }

            var relative = Path.GetRelativePath(folder, file);
            var image = Decode(file, size, grayscale, out var reason);
            if (image is null)
            {
                dropped.Add(new DroppedFile(relative, reason!));
                continue;
            }

            if (!seen.Add(Convert.ToHexString(SHA256.HashData(image))))
            {
                duplicates++;
                continue;
            }

            pixels.Add(image);
            var directory = Path.GetDirectoryName(relative) ?? "";
            labels.Add((byte)Math.Max(0, classes.IndexOf(directory)));
        }

        var all = new byte[pixels.Count * channels * size * size];
        for (var i = 0; i < pixels.Count; i++)
        {
            pixels[i].CopyTo(all, i * pixels[i].Length);
        }

        var set = new ImageSet(all, pixels.Count, channels, size, size, classes.Count > 1 ? [.. labels] : null);
        return (set, new CleaningReport(files.Count, pixels.Count, dropped, duplicates), classes);
    }

    /// <summary>Decodes one image into C×H×W bytes of the requested mode and size, or null with a reason.</summary>
    internal static byte[]? Decode(string file, int size, bool grayscale, out string? reason)
    {
        reason = null;
        try
        {
            using var decoded = SKBitmap.Decode(file);
            if (decoded is null || decoded.Width <= 0 || decoded.Height <= 0)
            {
                reason = "not a decodable PNG or JPEG image (corrupt or truncated)";
                return null;
            }

            return ImageConversion.ToPlanes(decoded, size, grayscale);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            reason = $"could not be read: {e.Message}";
            return null;
        }
    }
}
