using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Llama;

/// <summary>A tiny random llama model written once per test class, and a client serving it.</summary>
public class TinyModelFixture : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public TinyModelFixture()
        : this(Options.ContextSize)
    {
    }

    protected TinyModelFixture(int contextSize)
    {
        Path = _folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(Path, new TinyLlamaOptions { ContextLength = contextSize });
        Client = LlamaChatClient.FromFile(Path, Options with { ContextSize = contextSize });
    }

    /// <summary>One thread keeps floating-point summation order, and so greedy output, the same from run to run.</summary>
    public static LlamaChatClientOptions Options { get; } = new()
    {
        ContextSize = 512,
        BatchSize = 128,
        Threads = 1,
        MaxParallelSequences = 4,
        JsonLimits = new JsonGrammarLimits { MaxStringLength = 12, MaxArrayItems = 3, MaxDepth = 2, MaxObjectProperties = 3 },
    };

    public string Path { get; }

    public LlamaChatClient Client { get; }

    public static ChatOptions Greedy(int maxOutputTokens = 24) => new() { Temperature = 0, Seed = 42, MaxOutputTokens = maxOutputTokens };

    public static List<ChatMessage> Hello() => [new(ChatRole.User, "hello world, tiny model")];

    public void Dispose()
    {
        Client.Dispose();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The tiny model with room for tool descriptions, which its byte-level vocabulary spells out at length.</summary>
public sealed class WideTinyModelFixture() : TinyModelFixture(2048);
