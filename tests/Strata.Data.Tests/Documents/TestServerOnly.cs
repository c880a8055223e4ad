using System.Net;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>An address policy that allows any URL on the test server's port, on loopback only.</summary>
internal sealed class TestServerOnly(int port) : IAddressPolicy
{
    public string? RefusalReason(Uri url, IPAddress address) =>
        url.Port == port && IPAddress.IsLoopback(address) ? null : $"{address} is not the test server";
}
