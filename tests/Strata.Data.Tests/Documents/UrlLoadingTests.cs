using System.Net;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>
/// Downloads from a real loopback server. The default guard refuses loopback, so each test gives the guard a policy
/// that lets through exactly what it must, and relies on the public-address policy for everything else.
/// </summary>
public sealed class UrlLoadingTests : IAsyncLifetime
{
    private LoopbackWebServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackWebServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>Allows the listed URLs (on loopback, the test server) and judges every other one as the default does.</summary>
    private sealed class AllowListedUrls(params Uri[] allowed) : IAddressPolicy
    {
        private readonly PublicAddressPolicy publicOnly = new();

        public string? RefusalReason(Uri url, IPAddress address) =>
            allowed.Contains(url) && IPAddress.IsLoopback(address) ? null : publicOnly.RefusalReason(url, address);
    }

    private DocumentLoader Loader(IAddressPolicy policy, long maxBytes = DocumentLoaderOptions.DefaultMaxBytes, double timeoutSeconds = 30) =>
        new(new DocumentLoaderOptions { AllowUrls = true, MaxBytes = maxBytes, UrlTimeout = TimeSpan.FromSeconds(timeoutSeconds) }, new UrlGuard(policy));

    [Fact]
    public async Task An_allowed_page_is_downloaded_and_parsed_by_its_content_type()
    {
        var url = server.Url("page.html");
        var result = await Loader(new AllowListedUrls(url)).LoadUrlAsync(url);
        Assert.True(result.IsSuccess, result.FailureReason);
        Assert.Equal("Served", result.Document.Title);
        Assert.Equal("Served text.", result.Document.Text);
        Assert.Equal(url.OriginalString, result.Document.Source);
    }

    [Fact]
    public async Task A_redirect_to_an_allowed_page_is_followed()
    {
        var start = server.Url("to-page");
        var result = await Loader(new AllowListedUrls(start, server.Url("page.html"))).LoadUrlAsync(start);
        Assert.True(result.IsSuccess, result.FailureReason);
    }

    [Theory]
    [InlineData("to-secret", "loopback")]
    [InlineData("to-localhost-secret", "loopback")]
    [InlineData("to-metadata", "metadata")]
    public async Task A_redirect_to_a_refused_address_is_not_followed(string start, string reason)
    {
        var first = server.Url(start);
        var result = await Loader(new AllowListedUrls(first)).LoadUrlAsync(first);
        Assert.False(result.IsSuccess);
        Assert.Contains("refused", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains(reason, result.FailureReason, StringComparison.Ordinal);
        Assert.Equal(0, server.SecretHits);
    }

    [Fact]
    public async Task Without_a_policy_exception_the_loopback_server_is_never_contacted()
    {
        var result = await new DocumentLoader(new DocumentLoaderOptions { AllowUrls = true }).LoadUrlAsync(server.Url("secret"));
        Assert.False(result.IsSuccess);
        Assert.Equal(0, server.SecretHits);
    }

    [Fact]
    public async Task The_connection_goes_to_the_address_the_guard_validated_not_to_a_second_lookup()
    {
        // "pinned.invalid" exists in no DNS: the download can only work if the socket connects to the address the
        // guard's resolver returned, which is what closes the window for DNS rebinding.
        var port = server.BaseAddress.Port;
        var guard = new UrlGuard(new TestServerOnly(port), (_, _) => Task.FromResult(new[] { IPAddress.Loopback }));
        var loader = new DocumentLoader(new DocumentLoaderOptions { AllowUrls = true }, guard);
        var result = await loader.LoadUrlAsync(new Uri($"http://pinned.invalid:{port}/page.html"));
        Assert.True(result.IsSuccess, result.FailureReason);
        Assert.Equal("Served", result.Document.Title);
    }

    [Fact]
    public async Task Redirect_loops_stop_after_the_limit()
    {
        var result = await Loader(new TestServerOnly(server.BaseAddress.Port)).LoadUrlAsync(server.Url("loop"));
        Assert.False(result.IsSuccess);
        Assert.Contains("too many redirects", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_past_the_size_cap_is_abandoned_while_streaming()
    {
        var result = await Loader(new TestServerOnly(server.BaseAddress.Port), maxBytes: 10_000).LoadUrlAsync(server.Url("big"));
        Assert.False(result.IsSuccess);
        Assert.StartsWith("too large", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        var result = await Loader(new TestServerOnly(server.BaseAddress.Port), timeoutSeconds: 1).LoadUrlAsync(server.Url("never"));
        Assert.False(result.IsSuccess);
        Assert.StartsWith("timed out", result.FailureReason, StringComparison.Ordinal);
    }
}
