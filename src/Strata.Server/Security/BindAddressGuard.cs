using System.Net;

namespace Strata.Server.Security;

/// <summary>Refuses to listen beyond loopback unless API keys protect the server.</summary>
public static class BindAddressGuard
{
    /// <summary>Whether every URL in the semicolon-separated <paramref name="urls"/> binds only to loopback.</summary>
    /// <exception cref="ServerConfigurationException">A URL cannot be parsed.</exception>
    public static bool IsLoopbackOnly(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(IsLoopback);
    }

    /// <summary>The plain http:// URLs of <paramref name="urls"/> that reach beyond loopback: keys sent there travel in clear text.</summary>
    public static IReadOnlyList<string> PlainHttpBeyondLoopback(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(url => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(url))
            .ToList();
    }

    /// <summary>Throws when <paramref name="urls"/> reach beyond loopback and <paramref name="keys"/> is empty.</summary>
    /// <exception cref="ServerConfigurationException">The bind is unsafe or a URL is invalid.</exception>
    public static void EnsureSafe(string urls, ApiKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!IsLoopbackOnly(urls) && keys.IsEmpty)
        {
            throw new ServerConfigurationException(
                $"Refusing to listen on '{urls}' without API keys: only loopback addresses are served without authentication. " +
                "Pass --api-key KEY (or set Server:ApiKeys), or listen on 127.0.0.1.");
        }
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcard hosts (http://*:80, http://+:80) cannot be parsed by Uri, and they mean every interface.
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var host = schemeEnd < 0 ? null : url[(schemeEnd + 3)..];
        if (host is null || host.Length == 0)
        {
            throw new ServerConfigurationException($"'{url}' is not a URL to listen on (expected for example http://127.0.0.1:8080).");
        }

        if (host.StartsWith('*') || host.StartsWith('+'))
        {
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ServerConfigurationException($"'{url}' is not a URL to listen on (expected for example http://127.0.0.1:8080).");
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
