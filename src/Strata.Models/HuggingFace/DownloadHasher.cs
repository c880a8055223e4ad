using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Models.HuggingFace;

/// <summary>
/// Hashes a file as it streams: SHA-256 for the store, and the git blob SHA-1 (<c>sha1("blob {size}\0" + bytes)</c>)
/// that the Hub uses as the ETag of files not kept in LFS.
/// </summary>
internal sealed class DownloadHasher : IDisposable
{
    private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash gitSha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    public DownloadHasher(long size) =>
        gitSha1.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {size}\0")));

    public void Append(ReadOnlySpan<byte> data)
    {
        sha256.AppendData(data);
        gitSha1.AppendData(data);
    }

    /// <summary>Returns the SHA-256 and the git blob id as lowercase hex.</summary>
    public (string Sha256, string GitBlobId) Finish() =>
        (Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(gitSha1.GetHashAndReset()));

    public void Dispose()
    {
        sha256.Dispose();
        gitSha1.Dispose();
    }
}
