using System.Net;

namespace Strata.Data.Documents;

/// <summary>
/// Decides whether a URL may be fetched: http or https only, no cloud-metadata host names, and every address the
/// host resolves to must pass the address policy (one bad address refuses the URL, since DNS may hand out any of
/// them). The caller must then connect to <see cref="UrlCheck.Address"/> and nowhere else, so a second DNS answer
/// cannot swap in another address.
/// </summary>
public sealed class UrlGuard
{
    private static readonly HashSet<string> MetadataHostNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    };

    private readonly IAddressPolicy policy;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve;

    /// <summary>
    /// Creates a guard with <paramref name="policy"/> (public addresses only when null) and
    /// <paramref name="resolver"/> for host names (the system's DNS when null).
    /// </summary>
    public UrlGuard(IAddressPolicy? policy = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
    {
        this.policy = policy ?? new PublicAddressPolicy();
        resolve = resolver ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>Checks <paramref name="url"/> and picks the address to connect to.</summary>
    public async Task<UrlCheck> CheckAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return UrlCheck.Refused($"only http and https URLs are fetched, not '{url.OriginalString}'");
        }

        var host = url.IdnHost.TrimEnd('.');
        if (MetadataHostNames.Contains(host))
        {
            return UrlCheck.Refused($"{host} is a cloud metadata host");
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolve(host, cancellationToken);
            }
            catch (System.Net.Sockets.SocketException error)
            {
                return UrlCheck.Refused($"cannot resolve {host}: {error.Message}");
            }
        }

        if (addresses.Length == 0)
        {
            return UrlCheck.Refused($"{host} resolves to no address");
        }

        foreach (var address in addresses)
        {
            if (policy.RefusalReason(url, address) is { } reason)
            {
                return UrlCheck.Refused(literal is not null ? reason : Resolved(host, address, reason));
            }
        }

        return UrlCheck.Allowed(addresses[0]);
    }

    /// <summary>"mixed.test resolves to 127.0.0.1, a loopback address" from the policy's "127.0.0.1 is a loopback address".</summary>
    private static string Resolved(string host, IPAddress address, string reason)
    {
        var shown = address.ToString();
        return reason.StartsWith(shown + " is ", StringComparison.Ordinal) ? $"{host} resolves to {shown}, {reason[(shown.Length + 4)..]}"
            : reason.StartsWith(shown + " carries ", StringComparison.Ordinal) ? $"{host} resolves to {shown}, which {reason[(shown.Length + 1)..]}"
            : $"{host} resolves to {shown}: {reason}";
    }
}
