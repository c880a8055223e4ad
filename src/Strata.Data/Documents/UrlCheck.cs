using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Strata.Data.Documents;

/// <summary>The verdict on one URL: the address to connect to, or why it is refused.</summary>
public sealed class UrlCheck
{
    private UrlCheck(IPAddress? address, string? refusalReason)
    {
        Address = address;
        RefusalReason = refusalReason;
    }

    /// <summary>The validated address to connect to; set exactly when <see cref="IsAllowed"/> is true.</summary>
    public IPAddress? Address { get; }

    /// <summary>Why the URL is refused; set exactly when <see cref="IsAllowed"/> is false.</summary>
    public string? RefusalReason { get; }

    /// <summary>Whether the URL may be fetched.</summary>
    [MemberNotNullWhen(true, nameof(Address))]
    [MemberNotNullWhen(false, nameof(RefusalReason))]
    public bool IsAllowed => Address is not null;

    /// <summary>An allowed URL, to be fetched from <paramref name="address"/> only.</summary>
    public static UrlCheck Allowed(IPAddress address) => new(address, null);

    /// <summary>A refused URL.</summary>
    public static UrlCheck Refused(string reason) => new(null, reason);
}
