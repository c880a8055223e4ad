using System.Security.Cryptography;
using System.Text;
using Strata.Core.Options;

namespace Strata.Server.Security;

/// <summary>
/// The API keys the server accepts, held only as SHA-256 hashes. Configuration may hold either a raw key or its
/// hash written as <c>sha256:&lt;hex&gt;</c>, so a shared <c>strata.json</c> need not contain usable secrets.
/// </summary>
public sealed class ApiKeySet
{
    private const string HashPrefix = "sha256:";
    private readonly IReadOnlyList<byte[]> hashes;

    private ApiKeySet(IReadOnlyList<byte[]> hashes) => this.hashes = hashes;

    /// <summary>Whether no key is configured (the server then accepts only loopback clients).</summary>
    public bool IsEmpty => hashes.Count == 0;

    /// <summary>Takes <c>Server:ApiKeys</c> (an array, or one value) from the bound options.</summary>
    /// <exception cref="ServerConfigurationException">An entry starts with <c>sha256:</c> but is not a valid hash.</exception>
    public static ApiKeySet From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FromEntries(options.ApiKeys.Where(entry => entry.Length > 0));
    }

    /// <summary>Creates the set from raw keys and <c>sha256:</c> hashes.</summary>
    public static ApiKeySet FromEntries(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var hashes = new List<byte[]>();
        foreach (var entry in entries)
        {
            if (entry.StartsWith(HashPrefix, StringComparison.Ordinal))
            {
                var hex = entry[HashPrefix.Length..];
                if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
                {
                    throw new ServerConfigurationException("An API key entry starting with 'sha256:' must be followed by 64 hexadecimal digits.");
                }

                hashes.Add(Convert.FromHexString(hex));
            }
            else
            {
                hashes.Add(Hash(entry));
            }
        }

        return new ApiKeySet(hashes);
    }

    /// <summary>Whether <paramref name="presentedKey"/> is one of the keys, compared in constant time.</summary>
    public bool Accepts(string presentedKey) => Resolve(presentedKey) is not null;

    /// <summary>
    /// The id of the configured key that <paramref name="presentedKey"/> is, or null: the first 12 hex digits of the key's
    /// SHA-256, the same however the key was sent, so rate limits and usage are per key and never name the key itself.
    /// </summary>
    public string? Resolve(string presentedKey)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        var presented = Hash(presentedKey);
        byte[]? matched = null;
        foreach (var hash in hashes)
        {
            // No early exit: the time taken does not depend on which key (if any) matched.
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                matched = hash;
            }
        }

        return matched is null ? null : "sha256:" + Convert.ToHexStringLower(matched)[..12];
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
