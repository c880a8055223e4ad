using Strata.Models.Formats.Gguf;
using Strata.Models.HuggingFace;
using Strata.Models.Runners;
using Strata.Models.TestSupport;
using Strata.Models.Tests.HuggingFace;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// The gate at pull: a downloaded model is trial-loaded in a real runner before it is committed; one llama.cpp refuses
/// or crashes on is refused with its message, and the pull leaves no blob, manifest or partial download behind.
/// </summary>
public sealed class PullGateTests : HubTestContext
{
    [Fact]
    public async Task A_pulled_model_llama_cpp_cannot_load_leaves_nothing_behind()
    {
        Hub.AddRepository("acme/future-GGUF", ("future.gguf", Bytes(file => file.Set("general.architecture", GgufValue.String("llama-from-the-future"))), true));

        var error = await Assert.ThrowsAsync<HubException>(() => TrialPuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/future-GGUF") }));

        Assert.Contains("'acme/future-gguf' was not stored", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown model architecture", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Paths.Home, error.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_pulled_model_that_crashes_its_runner_leaves_nothing_behind()
    {
        Hub.AddRepository("acme/no-bytes-GGUF", ("no-bytes.gguf", Bytes(file => TinyLlamaGguf.WithoutByteTokens(file)), true));

        var error = await Assert.ThrowsAsync<HubException>(() => TrialPuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/no-bytes-GGUF") }));

        Assert.Contains("loading it crashed the runtime (exit code 134)", error.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_loadable_pulled_model_passes_the_trial()
    {
        Hub.AddRepository("acme/tiny-GGUF", ("tiny.gguf", Bytes(_ => { }), true));

        var manifest = await TrialPuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny-GGUF") });

        Assert.Equal("acme/tiny-gguf", manifest.Name);
        Assert.Empty(PartialFiles());
    }

    private static byte[] Bytes(Action<GgufWriter> change)
    {
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions());
        change(file);
        using var bytes = new MemoryStream();
        file.WriteTo(bytes);
        return bytes.ToArray();
    }

    private ModelPuller TrialPuller() => CreatePuller(trial: new ModelTrialLoader(Paths));

    private void AssertNothingLeft()
    {
        Assert.Empty(Store.List().Models);
        Assert.False(Directory.Exists(Store.BlobFolder) && Directory.EnumerateFileSystemEntries(Store.BlobFolder).Any(), "no blob was stored");
        Assert.Empty(PartialFiles());
    }
}
