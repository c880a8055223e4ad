using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

public sealed class BindAddressGuardTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://127.0.0.5:9000", true)]
    [InlineData("http://127.0.0.1:8080;http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    [InlineData("http://127.0.0.1:8080;http://0.0.0.0:8081", false)]
    public void Loopback_addresses_are_told_apart(string urls, bool loopback) =>
        Assert.Equal(loopback, BindAddressGuard.IsLoopbackOnly(urls));

    [Fact]
    public void A_non_loopback_bind_without_keys_is_refused()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => BindAddressGuard.EnsureSafe("http://0.0.0.0:8080", ApiKeySet.FromEntries([])));
        Assert.Contains("--api-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_loopback_bind_with_keys_is_allowed() =>
        BindAddressGuard.EnsureSafe("http://0.0.0.0:8080", ApiKeySet.FromEntries(["a-key"]));

    [Fact]
    public async Task The_server_itself_refuses_to_start_beyond_loopback_without_keys()
    {
        var error = await Assert.ThrowsAsync<ServerConfigurationException>(() =>
            RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Urls"] = "http://0.0.0.0:0" }));
        Assert.Contains("without API keys", error.Message, StringComparison.Ordinal);
    }
}
