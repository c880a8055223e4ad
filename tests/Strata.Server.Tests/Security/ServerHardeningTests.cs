using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Strata.Server.Tests.Security;

/// <summary>Response headers, method handling and the small leftovers of the security review, on a real server.</summary>
public sealed partial class ServerHardeningTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/knowledge")]
    [InlineData("/images")]
    [InlineData("/models")]
    [InlineData("/runs")]
    [InlineData("/traces")]
    [InlineData("/login")]
    public async Task Every_page_has_a_policy_that_allows_only_its_own_inline_script_and_style(string path)
    {
        await using var server = await RunningServer.StartAsync();

        var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        var policy = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        foreach (Match inline in InlineBlock().Matches(html))
        {
            var hash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline.Groups[2].Value))) + "'";
            Assert.True(policy.Contains(hash, StringComparison.Ordinal), $"the policy allows the page's inline <{inline.Groups[1].Value}> by its hash");
        }
    }

    [Fact]
    public async Task Api_answers_and_errors_carry_nosniff_and_no_framing_too()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-1" });

        var refused = await server.Client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("nosniff", string.Join(",", refused.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("frame-ancestors 'none'", string.Join(",", refused.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_is_public_without_keys_and_behind_the_key_with_them()
    {
        await using var keyless = await RunningServer.StartAsync();
        await using var keyed = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-1" });

        Assert.Equal(HttpStatusCode.OK, (await keyless.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyless.Client.GetAsync(new Uri("/scalar", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.Client.GetAsync(new Uri("/scalar", UriKind.Relative))).StatusCode);
        keyed.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k-1");
        Assert.Equal(HttpStatusCode.OK, (await keyed.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        // Not "/scalar": it redirects to "/scalar/", and HttpClient drops the Authorization header on a redirect.
        Assert.Equal(HttpStatusCode.OK, (await keyed.Client.GetAsync(new Uri("/scalar/v1", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_api_reference_page_runs_its_scripts_by_a_fresh_nonce()
    {
        await using var server = await RunningServer.StartAsync();

        var first = await server.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        var second = await server.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        var html = await first.Content.ReadAsStringAsync();

        var policy = string.Join(",", first.Headers.GetValues("Content-Security-Policy"));
        var nonce = Nonce().Match(policy).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(nonce), policy);
        Assert.NotEqual(policy, string.Join(",", second.Headers.GetValues("Content-Security-Policy")));
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_answer_get_only_and_head_is_answered_like_get_without_a_body()
    {
        await using var server = await RunningServer.StartAsync();

        var post = await server.Client.PostAsync(new Uri("/metrics", UriKind.Relative), new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        foreach (var path in new[] { "/health", "/v1/models", "/knowledge", "/metrics", "/api/collections" })
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, path);
            var response = await server.Client.SendAsync(head);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"HEAD {path} answered {(int)response.StatusCode}");
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Data_protection_keys_live_under_strata_home()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-1" });

        // The sign-in form carries an antiforgery token, which needs a data protection key.
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/login", UriKind.Relative))).StatusCode);

        var folder = Path.Combine(server.Paths.Home, "data-protection");
        Assert.NotEmpty(Directory.GetFiles(folder, "key-*.xml"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }

    [Fact]
    public async Task A_filter_wider_than_the_cap_is_a_400_naming_the_filter()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Client.PostAsJsonAsync("/api/collections", new { name = "wide", dimension = 2, distance = "l2" });
        var wide = new JsonObject { ["or"] = new JsonArray(Enumerable.Range(0, 3000).Select(i => (JsonNode)new JsonObject { ["field"] = "n", ["eq"] = i }).ToArray()) };
        var narrow = new JsonObject { ["or"] = new JsonArray(Enumerable.Range(0, 200).Select(i => (JsonNode)new JsonObject { ["field"] = "n", ["eq"] = i }).ToArray()) };

        var refused = await server.Client.PostAsJsonAsync("/api/collections/wide/search", new { vector = new[] { 1f, 0f }, filter = wide });
        var accepted = await server.Client.PostAsJsonAsync("/api/collections/wide/search", new { vector = new[] { 1f, 0f }, filter = narrow });

        var text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, text);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("filter", body.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.DoesNotContain("SQLite", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_collection_made_with_only_a_dimension_records_no_model_and_text_on_it_says_so()
    {
        await using var server = await RunningServer.StartAsync();
        var created = await server.Client.PostAsJsonAsync("/api/collections", new { name = "vectors", dimension = 8 });
        using var description = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Null, description.RootElement.GetProperty("embeddingModel").ValueKind);

        var hybrid = await server.Client.PostAsJsonAsync("/api/collections/vectors/search", new { text = "harbour", mode = "hybrid" });
        var bm25 = await server.Client.PostAsJsonAsync("/api/collections/vectors/search", new { text = "harbour", mode = "bm25" });
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/collections/vectors/documents") { Content = new MultipartFormDataContent { { new ByteArrayContent("text"u8.ToArray()), "file", "a.txt" } } };
        upload.Headers.Add("X-Strata-Request", "1");
        var uploaded = await server.Client.SendAsync(upload);

        foreach (var (response, param) in new[] { (hybrid, "text"), (uploaded, "file") })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains("no_embedding_model", text, StringComparison.Ordinal);
            Assert.Contains($"\"param\":\"{param}\"", text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, bm25.StatusCode);
        Assert.Equal("[]", await server.Client.GetStringAsync(new Uri("/api/collections/vectors/documents", UriKind.Relative)));
    }

    [Fact]
    public async Task Zero_vectors_are_refused_in_cosine_collections()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Client.PostAsJsonAsync("/api/collections", new { name = "cosine", dimension = 3 });

        var upsert = await server.Client.PostAsJsonAsync("/api/collections/cosine/records", new { records = new[] { new { id = "z", vector = new[] { 0f, 0f, 0f } } } });
        var search = await server.Client.PostAsJsonAsync("/api/collections/cosine/search", new { vector = new[] { 0f, 0f, 0f } });

        Assert.Contains("zero_vector", await upsert.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, upsert.StatusCode);
        Assert.Contains("zero_vector", await search.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
    }

    [Fact]
    public async Task The_built_in_minilm_cannot_be_deleted()
    {
        await using var server = await RunningServer.StartAsync();

        var response = await server.Client.DeleteAsync(new Uri("/api/models/minilm", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("builtin_model", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("<(script|style)(?:\\s[^>]*)?>(.*?)</\\1>", RegexOptions.Singleline)]
    private static partial Regex InlineBlock();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
