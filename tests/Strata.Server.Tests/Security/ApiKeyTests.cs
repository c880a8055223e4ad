using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

public sealed class ApiKeyTests
{
    private const string Key = "sk-strata-test-key";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Basic c2stc3RyYXRhLXRlc3Qta2V5")]
    [InlineData("Bearer ")]
    public async Task Protected_routes_answer_401_in_openai_shape_without_the_right_key(string? authorization)
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task The_right_key_opens_protected_routes_and_health_needs_none()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_key_configured_as_its_sha256_hash_is_accepted()
    {
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = hash });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public void A_malformed_hash_entry_is_a_configuration_error() =>
        Assert.Throws<ServerConfigurationException>(() => ApiKeySet.FromEntries(["sha256:nothex"]));
}
