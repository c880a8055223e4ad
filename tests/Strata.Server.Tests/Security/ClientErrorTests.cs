using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.Security;

/// <summary>Requests that are the client's fault answer 4xx naming the field, never a 500 (each was a 500 once).</summary>
public sealed class ClientErrorTests(ClientErrorTests.Server fixture) : IClassFixture<ClientErrorTests.Server>
{
    private static readonly string LongName = new('a', 5000);

    [Theory]
    [InlineData("/api/models/..%2F..%2Fx", "name")]
    [InlineData("/api/models/..%252F..%252Fx", "name")]
    [InlineData("/api/models/Upper", "name")]
    public async Task Deleting_a_model_by_an_invalid_name_is_a_400(string path, string param)
    {
        var response = await fixture.Client.DeleteAsync(new Uri(path, UriKind.Relative));

        await AssertClientErrorAsync(response, HttpStatusCode.BadRequest, param);
    }

    [Fact]
    public async Task A_5000_character_model_name_is_a_400_on_every_route_that_takes_one()
    {
        await AssertClientErrorAsync(await fixture.Client.DeleteAsync(new Uri("/api/models/" + LongName, UriKind.Relative)), HttpStatusCode.BadRequest, "name");
        await AssertClientErrorAsync(await PostJsonAsync("/v1/embeddings", $$"""{"model":"{{LongName}}","input":"x"}"""), HttpStatusCode.BadRequest, "model");
        await AssertClientErrorAsync(await PostJsonAsync("/v1/chat/completions", $$"""{"model":"{{LongName}}","messages":[{"role":"user","content":"hi"}]}"""), HttpStatusCode.BadRequest, "model");
        await AssertClientErrorAsync(await PostJsonAsync("/api/collections", $$"""{"name":"long","embeddingModel":"{{LongName}}"}"""), HttpStatusCode.BadRequest, "embeddingModel");
    }

    [Theory]
    [InlineData("../../etc/passwd", null)]
    [InlineData("../../etc/passwd", 384)]
    [InlineData("/etc/passwd", null)]
    [InlineData("..\\\\..\\\\x", null)]
    public async Task A_path_as_the_embedding_model_of_a_new_collection_is_a_400(string model, int? dimension)
    {
        var body = JsonSerializer.Serialize(new { name = "paths", embeddingModel = model, dimension });

        await AssertClientErrorAsync(await PostJsonAsync("/api/collections", body), HttpStatusCode.BadRequest, "embeddingModel");
        Assert.DoesNotContain("paths", await fixture.Client.GetStringAsync(new Uri("/api/collections", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_embedding_model_for_a_new_collection_is_a_404_naming_the_field()
    {
        await AssertClientErrorAsync(await PostJsonAsync("/api/collections", """{"name":"unknown","embeddingModel":"no-such-model","dimension":8}"""), HttpStatusCode.NotFound, "embeddingModel");
    }

    [Theory]
    [InlineData("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc")]
    [InlineData("garbage without any boundary")]
    [InlineData("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n")]
    [InlineData("--x\r\nno headers end here")]
    public async Task A_malformed_multipart_body_is_a_400_naming_the_file_field(string body)
    {
        await fixture.EnsureCollectionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/collections/docs/documents") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        request.Headers.Add("X-Strata-Request", "1");

        await AssertClientErrorAsync(await fixture.Client.SendAsync(request), HttpStatusCode.BadRequest, "file");
    }

    [Fact]
    public async Task A_postgresql_that_cannot_be_reached_is_a_503_not_a_400_or_500()
    {
        // Nothing listens on the port: every collection operation finds the backend down.
        var port = ServerHealth.FreeLoopbackPort();
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Data:Provider"] = "postgres",
            ["Data:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=strata;Username=strata;Password=secret-password;Timeout=2",
        });

        var list = await server.Client.GetAsync(new Uri("/api/collections", UriKind.Relative));
        var create = await server.Client.PostAsync(new Uri("/api/collections", UriKind.Relative), new StringContent("""{"name":"c","dimension":4}""", Encoding.UTF8, "application/json"));
        var get = await server.Client.GetAsync(new Uri("/api/collections/c", UriKind.Relative));

        foreach (var response in new[] { list, create, get })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {text}");
            Assert.Contains("backend_unavailable", text, StringComparison.Ordinal);
            Assert.Contains("Cannot connect to PostgreSQL", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-password", text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        fixture.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task AssertClientErrorAsync(HttpResponseMessage response, HttpStatusCode status, string param)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.True(message.Length < 600, "the message does not echo a whole 5,000-character value: " + message.Length);
        Assert.DoesNotContain(" at Strata.", text, StringComparison.Ordinal);
    }

    /// <summary>One keyless server for the class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private RunningServer? server;
        private bool created;

        public HttpClient Client => server!.Client;

        public async Task InitializeAsync() => server = await RunningServer.StartAsync();

        public async Task EnsureCollectionAsync()
        {
            if (!created)
            {
                var response = await Client.PostAsync(new Uri("/api/collections", UriKind.Relative), new StringContent("""{"name":"docs","dimension":384}""", Encoding.UTF8, "application/json"));
                Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict);
                created = true;
            }
        }

        public async Task DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
