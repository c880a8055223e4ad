using Strata.Core;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.TestSupport.HuggingFace;

namespace Strata.Server.Tests.Ollama;

/// <summary>A real server with the tiny model as <c>tiny</c> and MiniLM built in, pulling from a local Hub server.</summary>
public sealed class OllamaServerFixture : IAsyncLifetime
{
    private RunningServer? server;

    public FakeHubServer Hub { get; private set; } = null!;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public Uri Address => Server.Client.BaseAddress!;

    public async Task InitializeAsync()
    {
        Hub = await FakeHubServer.StartAsync();
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-ollama-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var file = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 2048 });
        await new ModelImporter(new ModelStore(paths)).ImportAsync(file, "tiny");
        server = await RunningServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["HuggingFace:Endpoint"] = Hub.Endpoint.AbsoluteUri,
                ["Models:Llama:ContextSize"] = "2048",
                ["Models:Llama:Threads"] = "1",
                ["Server:MaxOutputTokens"] = "256",
            },
            paths);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        await Hub.DisposeAsync();
    }
}
