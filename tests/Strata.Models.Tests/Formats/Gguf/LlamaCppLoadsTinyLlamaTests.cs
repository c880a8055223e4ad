using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>The proof that the writer is right: llama.cpp itself loads the tiny model, tokenizes with it and generates.</summary>
public sealed class LlamaCppLoadsTinyLlamaTests
{
    [Fact]
    public async Task LlamaCpp_loads_the_tiny_model_and_greedy_decoding_repeats_itself_for_the_same_seed()
    {
        using var folder = new TemporaryFolder();
        TinyLlamaGguf.Write(folder.Combine("first.gguf"));
        TinyLlamaGguf.Write(folder.Combine("second.gguf"));

        var first = await GenerateAsync(folder.Combine("first.gguf"));
        var second = await GenerateAsync(folder.Combine("second.gguf"));

        Assert.True(first.TokenCount > 0, $"no tokens were generated; llama.cpp said:\n{LlamaNativeLog.Text}");
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.TokenCount, second.TokenCount);
    }

    [Fact]
    public void LlamaCpp_tokenizes_with_the_written_vocabulary()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path);
        var tokens = GgufReader.Read(path).Metadata["tokenizer.ggml.tokens"].AsStringArray().ToList();

        var parameters = Parameters(path);
        using var weights = LoadOrExplain(parameters);
        using var context = weights.CreateContext(parameters);
        var ids = context.Tokenize("hello world", addBos: true, special: false).Select(token => (int)token).ToArray();

        Assert.Equal([(int)TinyLlamaGguf.BeginTokenId, tokens.IndexOf("▁hello"), tokens.IndexOf("▁world")], ids);
    }

    private static async Task<(string Text, int TokenCount)> GenerateAsync(string path)
    {
        var parameters = Parameters(path);
        using var weights = LoadOrExplain(parameters);
        var executor = new StatelessExecutor(weights, parameters);
        var inference = new InferenceParams
        {
            MaxTokens = 8,
            SamplingPipeline = new DefaultSamplingPipeline { Temperature = 0, Seed = 42 },
        };

        var pieces = new List<string>();
        await foreach (var piece in executor.InferAsync("hello world", inference))
        {
            pieces.Add(piece);
        }

        return (string.Concat(pieces), pieces.Count);
    }

    private static ModelParams Parameters(string path)
    {
        // Creating ModelParams already loads the native library, after which the log callback can no longer be set.
        LlamaNativeLog.EnsureInstalled();
        return new ModelParams(path)
        {
            ContextSize = 128,
            GpuLayerCount = 0,
            // One thread keeps floating-point summation order, and so greedy output, the same from run to run.
            Threads = 1,
            BatchThreads = 1,
        };
    }

    private static LLamaWeights LoadOrExplain(ModelParams parameters)
    {
        try
        {
            return LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"llama.cpp could not load the model; it said:\n{LlamaNativeLog.Text}", exception);
        }
    }
}
