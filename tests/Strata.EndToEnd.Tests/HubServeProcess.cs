using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.TestSupport;
using Strata.TestSupport.HuggingFace;

namespace Strata.EndToEnd.Tests;

/// <summary>A <c>strata serve</c> whose <c>HuggingFace:Endpoint</c> is a local server speaking the Hub's protocol.</summary>
public sealed class HubServeProcess : StrataServeProcess
{
    /// <summary>The repository the Hub holds: one loadable GGUF.</summary>
    public const string Repository = "acme/tiny-GGUF";

    private FakeHubServer? hub;

    protected override IEnumerable<string> ExtraArguments => ["--set", "HuggingFace:Endpoint=" + hub!.Endpoint.AbsoluteUri];

    protected override async Task PrepareHomeAsync(StrataPaths paths)
    {
        hub = await FakeHubServer.StartAsync();
        var file = Path.Combine(paths.Home, "hub.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 1024 });
        hub.AddRepository(Repository, ("tiny-q8_0.gguf", await File.ReadAllBytesAsync(file), true), ("README.md", "# tiny"u8.ToArray(), false));
        File.Delete(file);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (hub is not null)
        {
            await hub.DisposeAsync();
        }
    }
}
