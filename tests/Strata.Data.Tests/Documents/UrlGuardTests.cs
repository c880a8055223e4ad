using System.Net;
using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

public sealed class UrlGuardTests
{
    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://127.1.2.3:8080/admin")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("http://[::127.0.0.1]/")]
    [InlineData("http://[64:ff9b::7f00:1]/")]
    [InlineData("http://[2002:a00:1::]/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://172.31.255.255/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://METADATA.google.internal./")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[::]/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://255.255.255.255/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[ff02::1]/")]
    [InlineData("http://[64:ff9b:1::a00:1]/")]
    [InlineData("http://[64:ff9b:1::5db8:d70e]/")]
    [InlineData("http://[::ffff:0:5db8:d70e]/")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/")]
    [InlineData("http://[::5db8:d70e]/")]
    [InlineData("http://[::2:0:0:1]/")]
    [InlineData("http://[100::1]/")]
    [InlineData("http://[2001:2::1]/")]
    [InlineData("http://[3fff::1]/")]
    [InlineData("http://192.88.99.1/")]
    [InlineData("ftp://example.com/file.txt")]
    [InlineData("file:///etc/passwd")]
    public async Task Hostile_urls_are_refused(string url)
    {
        // The resolver fails loudly: none of these may need DNS to be refused.
        var guard = new UrlGuard(resolver: (host, _) => throw new InvalidOperationException($"resolved {host}"));
        var check = await guard.CheckAsync(new Uri(url));
        Assert.False(check.IsAllowed, $"{url} was allowed");
        Assert.False(string.IsNullOrWhiteSpace(check.RefusalReason));
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused()
    {
        var check = await new UrlGuard().CheckAsync(new Uri("http://localhost:8080/"));
        Assert.False(check.IsAllowed);
        Assert.Contains("loopback", check.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_is_refused_when_any_of_its_addresses_is_private()
    {
        var guard = new UrlGuard(resolver: (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.7") }));
        var check = await guard.CheckAsync(new Uri("https://mixed.example/"));
        Assert.False(check.IsAllowed);
        Assert.Equal("mixed.example resolves to 10.0.0.7, a private address", check.RefusalReason);
    }

    [Theory]
    [InlineData("127.0.0.1", "mixed.test resolves to 127.0.0.1, a loopback address")]
    [InlineData("::ffff:127.0.0.1", "mixed.test resolves to ::ffff:127.0.0.1, which carries 127.0.0.1, a loopback address")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "mixed.test resolves to 2001:0:4136:e378:8000:63bf:3fff:fdd2, a Teredo tunnel address")]
    [InlineData("64:ff9b:1::1", "mixed.test resolves to 64:ff9b:1::1, a local-use NAT64 address")]
    public async Task A_refusal_says_what_the_name_resolved_to_and_what_kind_of_address_that_is(string resolved, string reason)
    {
        var guard = new UrlGuard(resolver: (_, _) => Task.FromResult(new[] { IPAddress.Parse(resolved) }));

        var check = await guard.CheckAsync(new Uri("http://mixed.test/"));

        Assert.Equal(reason, check.RefusalReason);
    }

    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::ffff:0:5db8:d70e]/", "::ffff:0:93.184.215.14 is a SIIT (IPv4-translated) address")]
    [InlineData("http://192.88.99.1/", "192.88.99.1 is a 6to4 relay anycast address")]
    public async Task A_refused_literal_address_says_what_kind_it_is(string url, string reason) =>
        Assert.Equal(reason, (await new UrlGuard().CheckAsync(new Uri(url))).RefusalReason);

    [Theory]
    [InlineData("https://public.example/", "93.184.215.14")]
    [InlineData("http://v6.example/", "2606:4700:4700::1111")]
    [InlineData("http://nat64.example/", "64:ff9b::5db8:d70e")]
    [InlineData("http://172.32.0.1/", null)]
    [InlineData("http://100.128.0.1/", null)]
    public async Task Public_addresses_are_allowed_and_pinned(string url, string? resolved)
    {
        var guard = new UrlGuard(resolver: (_, _) => Task.FromResult(new[] { IPAddress.Parse(resolved!) }));
        var check = await guard.CheckAsync(new Uri(url));
        Assert.True(check.IsAllowed, check.RefusalReason);
        Assert.Equal(IPAddress.Parse(resolved ?? new Uri(url).Host), check.Address);
    }
}
