using System.Security.Cryptography;
using Strata.Core;
using Strata.Models.HuggingFace;
using Strata.Models.Store;
using Strata.TestSupport.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

/// <summary>A fake Hub, an empty store in a temporary folder, and a puller wired to both; one per test.</summary>
public abstract class HubTestContext : IAsyncLifetime
{
    private readonly TemporaryFolder home = new("strata-hub-tests-");

    protected FakeHubServer Hub { get; private set; } = null!;

    protected ModelStore Store { get; private set; } = null!;

    protected StrataPaths Paths => new(home.Path);

    public async Task InitializeAsync()
    {
        Hub = await FakeHubServer.StartAsync();
        Store = new ModelStore(Paths);
    }

    public async Task DisposeAsync()
    {
        await Hub.DisposeAsync();
        home.Dispose();
    }

    protected ModelPuller CreatePuller(string? token = null, bool offline = false, Strata.Models.Runners.ModelTrialLoader? trial = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var options = new HuggingFaceHubOptions { Endpoint = Hub.Endpoint, Token = token, Offline = offline };
        return new ModelPuller(new HuggingFaceHubClient(http, options), Store, trial: trial);
    }

    protected Task<ModelManifest> PullAsync(string reference, string? file = null, Func<IReadOnlyList<HubFile>, HubFile?>? chooser = null, string? token = null) =>
        CreatePuller(token).PullAsync(new HubPullRequest { Reference = HubReference.Parse(reference), File = file, Chooser = chooser });

    protected static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    protected string[] PartialFiles() =>
        Directory.Exists(Store.PartialFolder) ? Directory.GetFiles(Store.PartialFolder) : [];

    protected string[] BlobFiles() =>
        Directory.Exists(Store.BlobFolder) ? Directory.GetFiles(Store.BlobFolder) : [];
}
