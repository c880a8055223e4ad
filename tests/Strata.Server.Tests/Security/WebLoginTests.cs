using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Strata.Server.Tests.Security;

public sealed partial class WebLoginTests
{
    private const string Key = "sk-strata-ui-key-0123456789";

    [Fact]
    public async Task A_page_without_a_session_redirects_to_the_sign_in_form()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/knowledge");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fknowledge", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_login_form_exchanges_a_key_for_an_http_only_strict_session_cookie_that_opens_pages_and_the_api()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);

        var (token, cookie) = await LoginFormAsync(browser);
        var wrong = await PostLoginAsync(browser, token, cookie, "not-the-key");
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.StartsWith("/login?failed=1", wrong.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie") && wrong.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("strata_session=", StringComparison.Ordinal)));

        var right = await PostLoginAsync(browser, token, cookie, Key);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/knowledge", right.Headers.Location!.OriginalString);
        var session = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("strata_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, session, StringComparison.Ordinal);
        var sessionCookie = session.Split(';')[0];

        using var page = new HttpRequestMessage(HttpMethod.Get, "/knowledge");
        page.Headers.Add("Cookie", sessionCookie);
        var html = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.DoesNotContain(Key, await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/collections");
        read.Headers.Add("Cookie", sessionCookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(read)).StatusCode);

        // A state-changing call on the cookie alone could come from another site's form: it needs the UI's header.
        using var bare = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = new StringContent("""{"name":"c","dimension":2}""", System.Text.Encoding.UTF8, "application/json") };
        bare.Headers.Add("Cookie", sessionCookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(bare)).StatusCode);
        using var scripted = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = new StringContent("""{"name":"c","dimension":2}""", System.Text.Encoding.UTF8, "application/json") };
        scripted.Headers.Add("Cookie", sessionCookie);
        scripted.Headers.Add("X-Strata-Request", "1");
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(scripted)).StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/collections");
        forged.Headers.Add("Cookie", "strata_session=made-up");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);

        var response = await browser.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("strata_session=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r/evil.example")]
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("/a\\..\\\\evil.example")]
    [InlineData("/\u001b/evil.example")]
    [InlineData("\t//evil.example")]
    public async Task Login_redirects_only_to_this_server(string returnUrl)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);
        var (token, cookie) = await LoginFormAsync(browser);

        var failed = await PostLoginAsync(browser, token, cookie, "wrong", returnUrl);
        var response = await PostLoginAsync(browser, token, cookie, Key, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, failed.StatusCode);
        Assert.Equal("/login?failed=1&returnUrl=%2F", failed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/café?q=naïve", "/caf%C3%A9?q=na%C3%AFve")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/\u2028x", "/%E2%80%A8x")]
    public async Task A_return_url_with_other_characters_is_sent_percent_encoded(string returnUrl, string location)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);
        var (token, cookie) = await LoginFormAsync(browser);

        var response = await PostLoginAsync(browser, token, cookie, Key, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("%2F%09%2Fevil.example")]
    [InlineData("%2F%0D%0A%2Fevil.example")]
    [InlineData("%2F%5Cevil.example")]
    public async Task The_login_form_never_carries_a_foreign_return_url(string escaped)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var browser = Browser(server);

        var form = await browser.GetAsync(new Uri("/login?returnUrl=" + escaped, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("name=\"returnUrl\" value=\"/\"", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/knowledge", true)]
    [InlineData("/", true)]
    [InlineData("/runs?id=1#metrics", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/\t/evil.example", false)]
    [InlineData("/\u2028x", true)]
    [InlineData("https://evil.example", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Local_url_decisions(string? url, bool local) => Assert.Equal(local, Strata.Server.Endpoints.LoginEndpoints.IsLocal(url));

    private static HttpClient Browser(RunningServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Client.BaseAddress };

    private static async Task<(string Token, string Cookie)> LoginFormAsync(HttpClient browser)
    {
        var form = await browser.GetAsync(new Uri("/login?returnUrl=%2Fknowledge", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        var match = AntiforgeryField().Match(html);
        var token = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        Assert.False(string.IsNullOrEmpty(token), "the form carries an antiforgery token: " + html);
        var cookie = form.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        return (token, cookie);
    }

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string token, string cookie, string key, string returnUrl = "/knowledge")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Cookie", cookie);
        return browser.SendAsync(request);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex AntiforgeryField();
}
