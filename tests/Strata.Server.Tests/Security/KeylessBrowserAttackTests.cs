using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

/// <summary>
/// What a web page the user visits can make the browser send to a server without API keys (the default): DNS-rebound
/// Host names, cross-site forms and fetches, text/plain bodies on JSON routes, multipart uploads. Each is refused on a
/// real server; the server's own pages and plain API clients still work.
/// </summary>
public sealed class KeylessBrowserAttackTests
{
    private const string EmbeddingsJson = """{"model":"minilm","input":"poison"}""";

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebind.attacker.example:{port}")]
    [InlineData("127.0.0.1.nip.io:{port}")]
    [InlineData("127.0.0.1:1")]
    [InlineData("localhost:1")]
    public async Task A_host_that_is_not_loopback_with_the_servers_port_gets_403(string host)
    {
        await using var server = await RunningServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Host = host.Replace("{port}", Port(server), StringComparison.Ordinal);

        var response = await server.Client.SendAsync(request);

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "host_not_allowed");
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST:{port}")]
    [InlineData("[::1]:{port}")]
    [InlineData("strata.lan:{port}")]
    [InlineData("strata.lan")]
    public async Task Loopback_names_with_the_port_and_configured_hosts_are_served(string host)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:AllowedHosts:0"] = "strata.lan" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Host = host.Replace("{port}", Port(server), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task With_api_keys_any_host_name_is_served_to_a_request_with_the_key()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-1" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Host = "strata.example.com";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k-1");

        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("/v1/embeddings")]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1/images/generations")]
    public async Task A_text_plain_body_on_a_json_route_gets_415(string route)
    {
        await using var server = await RunningServer.StartAsync();

        var plain = await server.Client.PostAsync(new Uri(route, UriKind.Relative), new StringContent(EmbeddingsJson, Encoding.UTF8, "text/plain"));
        var untyped = new ByteArrayContent(Encoding.UTF8.GetBytes(EmbeddingsJson));
        var none = await server.Client.PostAsync(new Uri(route, UriKind.Relative), untyped);

        await AssertErrorAsync(plain, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertErrorAsync(none, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9", null)]
    [InlineData("http://evil.example", null)]
    [InlineData("null", null)]
    [InlineData("http://127.0.0.1:9", "same-site")]
    [InlineData(null, "cross-site")]
    [InlineData(null, "same-site")]
    public async Task A_request_from_another_origin_gets_403(string? origin, string? fetchSite)
    {
        await using var server = await RunningServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = new StringContent(EmbeddingsJson, Encoding.UTF8, "application/json") };
        AddBrowserHeaders(request, origin, fetchSite, "cors");

        var response = await server.Client.SendAsync(request);

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "cross_site_request");
    }

    [Fact]
    public async Task A_cross_site_subresource_get_is_refused_but_a_link_from_another_site_opens_the_ui()
    {
        await using var server = await RunningServer.StartAsync();
        using var image = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        AddBrowserHeaders(image, origin: null, "cross-site", "no-cors");
        using var link = new HttpRequestMessage(HttpMethod.Get, "/knowledge");
        AddBrowserHeaders(link, origin: null, "cross-site", "navigate");

        await AssertErrorAsync(await server.Client.SendAsync(image), HttpStatusCode.Forbidden, "cross_site_request");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(link)).StatusCode);
    }

    [Fact]
    public async Task The_servers_own_pages_and_configured_cors_origins_are_served()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Cors:Origins:0"] = "http://localhost:3000" });
        var own = server.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = Json("""{"name":"own","dimension":2}""") };
        AddBrowserHeaders(sameOrigin, own, "same-origin", "cors");
        using var ownWithoutFetchMetadata = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = Json("""{"name":"own2","dimension":2}""") };
        AddBrowserHeaders(ownWithoutFetchMetadata, own, null, null);
        using var listed = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = Json("""{"name":"listed","dimension":2}""") };
        AddBrowserHeaders(listed, "http://localhost:3000", "same-site", "cors");

        Assert.Equal(HttpStatusCode.Created, (await server.Client.SendAsync(sameOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Client.SendAsync(ownWithoutFetchMetadata)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Client.SendAsync(listed)).StatusCode);
    }

    [Fact]
    public async Task A_multipart_upload_needs_the_script_header_and_then_is_accepted()
    {
        await using var server = await RunningServer.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.Client.PostAsync(new Uri("/api/collections", UriKind.Relative), Json("""{"name":"docs","dimension":384}"""))).StatusCode);

        var bare = await server.Client.PostAsync(new Uri("/api/collections/docs/documents", UriKind.Relative), Upload());
        using var scripted = new HttpRequestMessage(HttpMethod.Post, "/api/collections/docs/documents") { Content = Upload() };
        scripted.Headers.Add(BrowserRequestGuard.ScriptHeader, "1");

        await AssertErrorAsync(bare, HttpStatusCode.Forbidden, "missing_request_header");
        Assert.Equal("[]", await server.Client.GetStringAsync(new Uri("/api/collections/docs/documents", UriKind.Relative)));
        Assert.False(File.Exists(Path.Combine(server.Paths.Home, "uploads", "docs", "poison.md")));
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(scripted)).StatusCode);
    }

    [Fact]
    public async Task With_api_keys_a_cross_site_request_on_the_session_cookie_is_refused_and_one_with_the_key_is_not()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-1" });
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        withKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k-1");
        AddBrowserHeaders(withKey, "http://127.0.0.1:9", "same-site", "cors");
        using var withCookie = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = Json("""{"name":"x","dimension":2}""") };
        withCookie.Headers.Add("Cookie", UiSessions.CookieName + "=anything");
        AddBrowserHeaders(withCookie, "http://127.0.0.1:9", "same-site", "cors");

        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(withKey)).StatusCode);
        await AssertErrorAsync(await server.Client.SendAsync(withCookie), HttpStatusCode.Forbidden, "cross_site_request");
    }

    [Theory]
    [InlineData("POST", null, null, null, false)]                            // curl, SDKs: no browser headers
    [InlineData("POST", "http://127.0.0.1:8080", null, null, false)]         // own origin, browser without Fetch Metadata
    [InlineData("POST", "http://127.0.0.1:8080", "same-origin", "cors", false)]
    [InlineData("GET", null, "none", "navigate", false)]                     // typed into the address bar
    [InlineData("GET", null, "cross-site", "navigate", false)]               // a link from another site
    [InlineData("HEAD", null, "cross-site", "navigate", false)]
    [InlineData("POST", "http://evil.example", "cross-site", "navigate", true)] // a form on another site
    [InlineData("POST", "http://localhost:3000", "same-site", "cors", false)] // listed in Server:Cors:Origins
    [InlineData("POST", "http://127.0.0.1:3000", "same-site", "cors", true)] // another loopback port
    [InlineData("GET", "http://127.0.0.1:3000", "same-site", "cors", true)]
    [InlineData("GET", null, "cross-site", "no-cors", true)]                 // <img>, <script>
    [InlineData("POST", "null", null, null, true)]                           // sandboxed frame, file://
    [InlineData("POST", "https://127.0.0.1:8080", null, null, true)]         // other scheme
    [InlineData("POST", "http://127.0.0.1:80800", null, null, true)]
    public void Cross_site_decisions(string method, string? origin, string? site, string? mode, bool refused)
    {
        var cors = new HashSet<string>(["http://localhost:3000"], StringComparer.OrdinalIgnoreCase);

        var decided = BrowserRequestGuard.IsRefusedCrossSite(method, origin, site, mode, "http", new HostString("127.0.0.1:8080"), cors);

        Assert.Equal(refused, decided);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", 8080, true)]
    [InlineData("127.0.0.2:8080", 8080, true)]
    [InlineData("[::1]:8080", 8080, true)]
    [InlineData("localhost:8080", 8080, true)]
    [InlineData("localhost", 80, true)]
    [InlineData("localhost", 8080, false)]
    [InlineData("localhost.:8080", 8080, false)]
    [InlineData("evil.localhost:8080", 8080, false)]
    [InlineData("10.0.0.1:8080", 8080, false)]
    [InlineData("0.0.0.0:8080", 8080, false)]
    [InlineData("", 8080, true)]
    public void Host_decisions(string host, int port, bool allowed) =>
        Assert.Equal(allowed, BrowserRequestGuard.IsAllowedHost(new HostString(host), port, https: false, new HashSet<string>()));

    private static void AddBrowserHeaders(HttpRequestMessage request, string? origin, string? fetchSite, string? fetchMode)
    {
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (fetchMode is not null)
        {
            request.Headers.Add("Sec-Fetch-Mode", fetchMode);
        }
    }

    private static string Port(RunningServer server) => server.Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Upload()
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent("# Poison\n\nThe answer is always 42."u8.ToArray()), "file", "poison.md");
        return form;
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("error");
        // Anthropic's error shape (on /v1/messages) has a type and a message, no code.
        Assert.Equal(code, error.TryGetProperty("code", out var value) ? value.GetString() : code);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }
}
