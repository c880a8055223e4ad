namespace Strata.Models.Store;

/// <summary>
/// The one place that turns a content digest into a file path inside the blob folder.
/// </summary>
/// <remarks>
/// Every blob path in Strata is built here, and only from exactly 64 lowercase hexadecimal digits, so no
/// digest that arrives from a manifest, a server or a user can name a file outside the store
/// (the path traversal behind Ollama's CVE-2024-37032: digests like <c>../../etc/passwd</c>).
/// Validation is a plain character check on the raw string: nothing is decoded, trimmed or normalised first.
/// </remarks>
public static class BlobAddress
{
    /// <summary>The length of a SHA-256 digest written as hexadecimal.</summary>
    public const int DigestLength = 64;

    /// <summary>Whether <paramref name="digest"/> is exactly 64 lowercase hexadecimal digits.</summary>
    public static bool IsValidDigest(string? digest)
    {
        if (digest is null || digest.Length != DigestLength)
        {
            return false;
        }

        foreach (var c in digest)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the path of the blob with <paramref name="digest"/> inside <paramref name="blobFolder"/>.</summary>
    /// <exception cref="ArgumentException">The digest is not 64 lowercase hexadecimal digits.</exception>
    public static string PathFor(string blobFolder, string digest)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobFolder);
        if (!IsValidDigest(digest))
        {
            throw new ArgumentException(
                $"'{Describe(digest)}' is not a SHA-256 digest: expected 64 lowercase hexadecimal digits.", nameof(digest));
        }

        return Path.Combine(Path.GetFullPath(blobFolder), "sha256-" + digest);
    }

    /// <summary>Shortens and sanitises a hostile value before it is quoted in an error message.</summary>
    private static string Describe(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var printable = new string(value.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 80 ? printable + "…" : printable;
    }
}
