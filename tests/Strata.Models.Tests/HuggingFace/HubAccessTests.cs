using Strata.Models.TestSupport;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Models.HuggingFace;
using Strata.TestSupport.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

public class HubAccessTests : HubTestContext
{
    [Fact]
    public async Task The_token_goes_to_the_hub_but_not_to_the_cdn_it_redirects_to()
    {
        // Wired through the same registration the CLI and server use, so the redirect setting is the real one.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HuggingFace:Endpoint"] = Hub.Endpoint.AbsoluteUri,
            ["HuggingFace:Token"] = "hf_secret",
        }).Build();
        await using var services = new ServiceCollection().AddSingleton(Paths).AddStrataModels(configuration).BuildServiceProvider();
        Hub.RequiredToken = "hf_secret";
        // A model llama.cpp loads: the registration trial-loads what it pulls.
        using var bytes = new MemoryStream();
        TinyLlamaGguf.Build(new TinyLlamaOptions()).WriteTo(bytes);
        var gguf = bytes.ToArray();
        Hub.AddRepository("acme/private", ("p.gguf", gguf, true));

        var manifest = await services.GetRequiredService<ModelPuller>().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/private") });

        Assert.Equal(Sha256(gguf), Assert.Single(manifest.Files).Digest);
        var hub = Hub.Requests.Where(request => request.Server == "hub").ToList();
        var cdn = Hub.Requests.Where(request => request.Server == "cdn").ToList();
        Assert.Equal(2, hub.Count);
        Assert.All(hub, request => Assert.Equal("Bearer hf_secret", request.Authorization));
        Assert.Null(Assert.Single(cdn).Authorization);
    }

    [Fact]
    public async Task A_renamed_repository_is_followed_through_relative_redirects_keeping_the_token()
    {
        Hub.RequiredToken = "hf_secret";
        var gguf = TestModelBytes.Gguf(20_000, seed: 34);
        Hub.AddRepository("acme/new-name", ("m.gguf", gguf, true));
        Hub.Renamed["acme/old-name"] = "acme/new-name";

        var manifest = await PullAsync("hf://acme/old-name", token: "hf_secret");

        Assert.Equal(Sha256(gguf), Assert.Single(manifest.Files).Digest);
        Assert.Equal(
            ["/api/models/acme/old-name/revision/main", "/api/models/acme/new-name/revision/main"],
            Hub.Requests.Where(request => request.Path.StartsWith("/api/", StringComparison.Ordinal)).Select(request => request.Path));
        Assert.All(Hub.Requests.Where(request => request.Server == "hub"), request => Assert.Equal("Bearer hf_secret", request.Authorization));
    }

    [Fact]
    public async Task File_list_entries_that_could_escape_the_model_folder_are_ignored()
    {
        var gguf = TestModelBytes.Gguf(1_000, seed: 35);
        Hub.AddRepository("acme/hostile", ("../../escape.gguf", TestModelBytes.Gguf(10, seed: 36), true), ("a/./b.gguf", [1], true), ("ok.gguf", gguf, true));

        var manifest = await PullAsync("hf://acme/hostile");

        Assert.Equal(new Strata.Models.Store.ModelFile("ok.gguf", Sha256(gguf), gguf.Length), Assert.Single(manifest.Files));
    }

    [Fact]
    public async Task A_private_repository_without_a_token_is_a_401_that_mentions_HF_TOKEN()
    {
        Hub.RequiredToken = "hf_secret";
        Hub.AddRepository("acme/private", ("p.gguf", TestModelBytes.Gguf(10, seed: 31), true));

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/private"));
        var wrongToken = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/private", token: "hf_wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("private or gated", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set HF_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("token in HF_TOKEN was not accepted", wrongToken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_wrong", wrongToken.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hf://acme/missing", "The repository acme/missing was not found")]
    [InlineData("hf://acme/tiny@no-such-branch", "The revision 'no-such-branch' was not found in acme/tiny")]
    [InlineData("hf://acme/tiny/no-such.gguf", "'no-such.gguf' is neither a file nor a folder in acme/tiny")]
    public async Task Missing_repositories_revisions_and_files_are_named_in_the_error(string reference, string expected)
    {
        Hub.AddRepository("acme/tiny", ("tiny.gguf", TestModelBytes.Gguf(10, seed: 32), true));

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync(reference));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_missing_at_download_time_is_a_404_naming_the_file()
    {
        Hub.AddRepository("acme/tiny", ("tiny.gguf", TestModelBytes.Gguf(10, seed: 33), true));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var client = new HuggingFaceHubClient(http, new HuggingFaceHubOptions { Endpoint = Hub.Endpoint });
        var repository = await client.GetRepositoryAsync(HubReference.Parse("hf://acme/tiny"));

        var error = await Assert.ThrowsAsync<HubException>(() => client.OpenFileAsync("acme/tiny", repository.Commit, "gone.gguf", 0));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains($"The file 'gone.gguf' was not found in acme/tiny at revision '{repository.Commit}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_says_to_try_again()
    {
        Hub.ApiFailure = HttpStatusCode.ServiceUnavailable;

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/tiny"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("server error (503", error.Message, StringComparison.Ordinal);
        Assert.Contains("Try again later", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_network_error_naming_it()
    {
        var endpoint = Hub.Endpoint;
        await Hub.DisposeAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var puller = new ModelPuller(new HuggingFaceHubClient(http, new HuggingFaceHubOptions { Endpoint = endpoint }), Store);

        var error = await Assert.ThrowsAsync<HubException>(() => puller.PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny") }));

        Assert.Contains($"Could not reach {endpoint.GetLeftPart(UriPartial.Authority)}", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<HttpRequestException>(error.InnerException);
    }
}
