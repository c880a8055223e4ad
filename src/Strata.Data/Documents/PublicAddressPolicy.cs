using System.Net;
using System.Net.Sockets;

namespace Strata.Data.Documents;

/// <summary>
/// Allows only public unicast addresses: refuses loopback, private, link-local, carrier-grade NAT, unspecified,
/// multicast, broadcast, reserved, documentation and cloud-metadata addresses, the IPv6 ranges that tunnel or translate
/// to IPv4 without saying where (Teredo, SIIT, local-use NAT64, IPv4-compatible), and an IPv4 address carried inside an
/// IPv6 one (IPv4-mapped, NAT64, 6to4) whenever that IPv4 address would be refused.
/// </summary>
public sealed class PublicAddressPolicy : IAddressPolicy
{
    // Most specific first: the first match names the kind.
    private static readonly (IPNetwork Network, string Kind)[] RefusedNetworks =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "cloud metadata"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "cloud metadata"),
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::ffff:0:0:0/96"), "SIIT (IPv4-translated)"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001::/32"), "Teredo tunnel"),
        (IPNetwork.Parse("2001:2::/48"), "benchmarking"),
        (IPNetwork.Parse("2001:10::/28"), "ORCHID"),
        (IPNetwork.Parse("2001:20::/28"), "ORCHID"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("5f00::/16"), "segment routing"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
        // Last: ::/8 holds only special forms (IPv4-mapped and NAT64 are judged by the address they carry first).
        (IPNetwork.Parse("::/8"), "reserved"),
    ];

    /// <summary>
    /// Why <paramref name="address"/> may not be contacted, as "127.0.0.1 is a loopback address" or
    /// "64:ff9b::a00:1 carries 10.0.0.1, a private address"; null when it may.
    /// </summary>
    public string? RefusalReason(Uri url, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Carried(address, address.MapToIPv4());
        }

        if (EmbeddedIPv4(address) is { } inner)
        {
            return Carried(address, inner);
        }

        return KindOf(address) is { } kind ? $"{address} is {Article(kind)} {kind} address" : null;
    }

    private static string? Carried(IPAddress outer, IPAddress inner) =>
        KindOf(inner) is { } kind ? $"{outer} carries {inner}, {Article(kind)} {kind} address" : null;

    private static string? KindOf(IPAddress address)
    {
        foreach (var (network, kind) in RefusedNetworks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }

    private static string Article(string kind) => kind[0] is 'a' or 'e' or 'i' or 'o' or 'u' or 'I' or 'O' ? "an" : "a";

    /// <summary>The IPv4 address a public IPv6 transition address carries: NAT64 (64:ff9b::/96) or 6to4 (2002::/16).</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        var isNat64 = bytes.AsSpan(0, 12).SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]);
        if (isNat64)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        // 2002:a.b.c.d::/48 (6to4) tunnels to the IPv4 address in bits 16 to 48.
        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
