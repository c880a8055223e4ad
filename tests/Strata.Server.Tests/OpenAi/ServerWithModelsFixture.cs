using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests.OpenAi;

/// <summary>One running server shared by a test class: the tiny test GGUF imported as <c>tiny</c>, MiniLM built in.</summary>
public class ServerWithModelsFixture : IAsyncLifetime
{
    private RunningServer? server;

    public const string ChatModel = "tiny";

    public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-openai-test-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(paths.Home);
        var file = Path.Combine(paths.Home, "tiny.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 2048 });
        await new ModelImporter(new ModelStore(paths)).ImportAsync(file, ChatModel);
        var settings = new Dictionary<string, string?>
        {
            ["Models:Llama:ContextSize"] = "2048",
            ["Models:Llama:Threads"] = "1",
            ["Server:MaxOutputTokens"] = "512",
        };
        AddSettings(settings);
        server = await RunningServer.StartAsync(settings, paths);
    }

    /// <summary>Settings a test class needs beyond the shared ones.</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
