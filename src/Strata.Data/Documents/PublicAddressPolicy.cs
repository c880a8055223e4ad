using System.Net;
using System.Net.Sockets;

namespace Strata.Data.Documents;

/// <summary>
/// Allows only public unicast addresses: refuses loopback, private, link-local, carrier-grade NAT, unspecified,
/// multicast, broadcast, reserved and cloud-metadata addresses, also when wrapped in an IPv6 address
/// (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
/// </summary>
public sealed class PublicAddressPolicy : IAddressPolicy
{
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
        (IPNetwork.Parse("192.0.2.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("198.51.100.0/24"), "reserved"),
        (IPNetwork.Parse("203.0.113.0/24"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
        (IPNetwork.Parse("2001:db8::/32"), "reserved"),
    ];

    /// <inheritdoc />
    public string? RefusalReason(Uri url, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (EmbeddedIPv4(address) is { } inner)
        {
            return RefusalReason(url, inner) is { } reason ? $"{reason} (inside {address})" : null;
        }

        foreach (var (network, kind) in RefusedNetworks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return $"{address} is a {kind} address";
            }
        }

        return null;
    }

    /// <summary>The IPv4 address an IPv6 address carries in one of the transition forms, if it is one.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        // ::a.b.c.d (IPv4-compatible, deprecated but still routed by some stacks) and 64:ff9b::a.b.c.d (NAT64).
        var isCompatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0);
        var isNat64 = bytes.AsSpan(0, 12).SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]);
        if (isCompatible || isNat64)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        // 2002:a.b.c.d::/48 (6to4) tunnels to the IPv4 address in bits 16 to 48.
        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
