using System.Net;

namespace Strata.Data.Documents;

/// <summary>Decides whether a URL may be fetched from one of the addresses its host resolved to.</summary>
public interface IAddressPolicy
{
    /// <summary>Why <paramref name="address"/> may not be contacted for <paramref name="url"/>, or null when it may.</summary>
    string? RefusalReason(Uri url, IPAddress address);
}
