using System.Security.Cryptography;

namespace Strata.Monitoring.Runs;

/// <summary>
/// Content-addressed artifact files inside a run's folder: <c>sha256-&lt;hex&gt;</c>. The same content logged twice
/// is stored once; a blob appears only complete (written to a temporary file, flushed, then renamed).
/// </summary>
internal static class ArtifactBlobs
{
    public static string PathOf(string runFolder, string digest)
    {
        if (digest.Length != 64 || !digest.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ArgumentException($"'{digest}' is not a SHA-256 digest.", nameof(digest));
        }

        return Path.Combine(runFolder, "blobs", $"sha256-{digest}");
    }

    /// <summary>Stores <paramref name="content"/> and returns its digest and size.</summary>
    public static (string Digest, long Size) Store(string runFolder, Stream content)
    {
        var blobs = Path.Combine(runFolder, "blobs");
        Directory.CreateDirectory(blobs);
        var temporary = Path.Combine(blobs, $".partial-{Guid.NewGuid():N}");
        try
        {
            string digest;
            long size;
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }

                file.Flush(flushToDisk: true);
                size = file.Length;
                digest = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var final = PathOf(runFolder, digest);
            if (File.Exists(final))
            {
                File.Delete(temporary);
            }
            else
            {
                File.Move(temporary, final, overwrite: true);
            }

            return (digest, size);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
