using Strata.Models.Llama;
using Strata.Models.TestSupport;

namespace Strata.Monitoring.Tests.Telemetry;

/// <summary>The tiny random llama model our own GGUF writer produces, loaded once for the tracing tests.</summary>
public sealed class TinyChatModel : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public TinyChatModel()
    {
        var path = _folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path, new TinyLlamaOptions { ContextLength = 512 });
        Client = LlamaChatClient.FromFile(path, new LlamaChatClientOptions { ContextSize = 512, Threads = 1, ModelId = "tiny" });
    }

    public LlamaChatClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _folder.Dispose();
    }
}
