using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

public sealed class RouteTableSecurityTests
{
    [Fact]
    public async Task Every_route_not_labelled_public_answers_401_without_a_key()
    {
        // Every route twice from one address: more failures than the per-address limit allows, which another test checks.
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-123", ["Server:RateLimit:FailedAuthPerMinute"] = "0" });
        var routes = server.Endpoints.OfType<RouteEndpoint>().ToList();
        var protectedRoutes = routes.Where(r => r.Metadata.GetMetadata<PublicRouteAttribute>() is null).ToList();
        Assert.Contains(routes, r => r.Metadata.GetMetadata<PublicRouteAttribute>() is not null);
        Assert.True(protectedRoutes.Count >= 3, "the OpenAI routes are protected");
        var patterns = protectedRoutes.Select(r => r.RoutePattern.RawText?.TrimEnd('/')).ToHashSet();
        foreach (var expected in new[] { "/api/collections", "/api/collections/{name}/documents", "/api/collections/{name}/ask", "/api/models/pull", "/v1/images/generations", "/knowledge", "/images", "/logout" })
        {
            Assert.Contains(expected, patterns);
        }

        foreach (var route in protectedRoutes)
        {
            var method = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
            var path = "/" + (route.RoutePattern.RawText ?? "").TrimStart('/').Replace("{", "x", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal);
            foreach (var authorization in new[] { null, "Bearer wrong" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                var response = await server.Client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {authorization ?? "no key"} answered {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Public_routes_answer_without_a_key()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-123" });

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/login", UriKind.Relative))).StatusCode);
        // With keys the API description is behind the key too (ServerHardeningTests); without keys it is public.
        await using var keyless = await RunningServer.StartAsync();
        var openApi = await keyless.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/v1/chat/completions", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_gets_413()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:MaxRequestBytes"] = "1024" });
        var json = "{\"model\":\"minilm\",\"input\":\"" + new string('a', 4096) + "\"}";

        var response = await server.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than this server accepts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_over_the_rate_limit_get_429_with_retry_after()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:RateLimit:RequestsPerMinute"] = "3" });

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await server.Client.GetAsync(new Uri("/v1/models", UriKind.Relative));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Contains("rate_limit_exceeded", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("http://allowed.example", true)]
    [InlineData("http://other.example", false)]
    public async Task Cors_allows_only_configured_origins(string origin, bool allowed)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Cors:Origins:0"] = "http://allowed.example" });
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/models");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await server.Client.SendAsync(request);

        Assert.Equal(allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
