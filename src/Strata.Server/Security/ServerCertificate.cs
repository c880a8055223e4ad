using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Strata.Core.Options;

namespace Strata.Server.Security;

/// <summary>
/// Loads the certificate for https:// addresses from <c>Server:Certificate:*</c>: a PKCS#12 file (<c>.pfx</c>,
/// <c>.p12</c>) with its password, or a PEM certificate whose key is in the same file or in <c>KeyPath</c> (encrypted
/// with <c>Password</c> or not). Every failure is a configuration error naming the key to fix.
/// </summary>
public static class ServerCertificate
{
    /// <summary>The certificate, or null when none is configured.</summary>
    /// <exception cref="ServerConfigurationException">The files cannot be read, or hold no certificate with a private key.</exception>
    public static X509Certificate2? Load(ServerCertificateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return null;
        }

        var path = options.Path;
        X509Certificate2 certificate;
        try
        {
            var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.Password);
            }
            else
            {
                var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
                certificate = string.IsNullOrEmpty(options.Password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, options.Password, keyPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ServerConfigurationException(
                $"Server:Certificate:Path: cannot load a certificate with its private key from '{path}'{(options.KeyPath is { Length: > 0 } key ? $" and '{key}'" : "")}: {e.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ServerConfigurationException($"Server:Certificate:Path: '{path}' holds a certificate without its private key; add the key (or Server:Certificate:KeyPath).");
        }

        return certificate;
    }

    /// <summary>Whether any of the semicolon-separated <paramref name="urls"/> is https.</summary>
    public static bool AnyHttps(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(url => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
    }
}
