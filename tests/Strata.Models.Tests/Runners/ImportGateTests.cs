using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// The gate at import: GGUF files that pass the header but break llama.cpp's loader are refused, by the managed checks
/// where they can tell and otherwise by a trial load in a real runner, with a message naming the problem; nothing is stored.
/// </summary>
public sealed class ImportGateTests
{
    private static readonly Dictionary<string, (Action<GgufWriter> Spoil, string Fragment)> Hostile = new()
    {
        ["duplicate token"] = (file => SetToken(file, 300, "<0x00>"), "holds the token '<0x00>' twice, as ids 5 and 300"),
        ["missing required tensor"] = (file => file.RemoveTensor("blk.1.attn_k.weight"), "no tensor 'blk.1.attn_k.weight'"),
        // Shapes the width allows but the head count and feed-forward length do not: only llama.cpp's loader knows them.
        ["query projection unlike the heads"] = (file => Replace(file, "blk.0.attn_q.weight", 64, 48), "blk.0.attn_q.weight"),
        ["feed-forward unlike its length"] = (file => Replace(file, "blk.1.ffn_up.weight", 64, 100), "blk.1.ffn_up.weight"),
        ["unknown architecture"] = (file => file.Set("general.architecture", GgufValue.String("llama-from-the-future")), "unknown model architecture"),
    };

    public static TheoryData<string> HostileCases => [.. Hostile.Keys];

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task A_hostile_gguf_is_refused_at_import_with_the_reason_and_nothing_is_stored(string caseName)
    {
        var (spoil, fragment) = Hostile[caseName];
        using var folder = new TemporaryFolder();
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions());
        spoil(file);
        var path = folder.Combine("hostile.gguf");
        file.Write(path);
        var (store, importer) = Store(folder);

        var error = await Assert.ThrowsAnyAsync<ModelStoreException>(() => importer.ImportAsync(path, "hostile"));

        Assert.True(error.Message.Contains(fragment, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain('\n', error.Message);
        AssertNothingStored(store);
    }

    [Fact]
    public async Task A_tensor_whose_data_runs_past_the_end_is_refused_at_import()
    {
        using var folder = new TemporaryFolder();
        var whole = folder.Combine("whole.gguf");
        TinyLlamaGguf.Write(whole);
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = folder.Combine("cut.gguf");
        await File.WriteAllBytesAsync(cut, bytes[..^4096]);
        var (store, importer) = Store(folder);

        var error = await Assert.ThrowsAnyAsync<ModelStoreException>(() => importer.ImportAsync(cut, "cut"));

        Assert.Contains("runs past the end of the file", error.Message, StringComparison.Ordinal);
        AssertNothingStored(store);
    }

    [Fact]
    public async Task A_model_whose_tokenizer_aborts_llama_cpp_is_refused_with_the_native_message()
    {
        using var folder = new TemporaryFolder();
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions());
        // Every token of the trial text gone but "<unk>": llama.cpp's SentencePiece tokenizer then falls back to byte
        // tokens that do not exist, and throws std::out_of_range, which aborts the process (exit 134).
        TinyLlamaGguf.WithoutByteTokens(file);
        var path = folder.Combine("no-bytes.gguf");
        file.Write(path);
        var (store, importer) = Store(folder);

        var error = await Assert.ThrowsAnyAsync<ModelStoreException>(() => importer.ImportAsync(path, "no-bytes"));

        Assert.Contains("'no-bytes' was not stored: loading it crashed the runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains("out_of_range", error.Message, StringComparison.Ordinal);
        AssertNothingStored(store);
        Assert.Contains("out_of_range", await File.ReadAllTextAsync(Path.Combine(store.Paths.Logs, "runners", "no-bytes.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loadable_model_passes_the_trial_and_is_stored()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path);
        var (store, importer) = Store(folder);

        var manifest = await importer.ImportAsync(path, "tiny");

        Assert.Equal("tiny", Assert.Single(store.List().Models).Name);
        Assert.Equal(ModelFormat.Gguf, manifest.Format);
    }

    private static (ModelStore Store, ModelImporter Importer) Store(TemporaryFolder folder)
    {
        var store = new ModelStore(new StrataPaths(folder.Combine("home")));
        return (store, new ModelImporter(store, new ModelTrialLoader(store.Paths)));
    }

    private static void AssertNothingStored(ModelStore store)
    {
        Assert.Empty(store.List().Models);
        Assert.False(Directory.Exists(store.BlobFolder) && Directory.EnumerateFileSystemEntries(store.BlobFolder).Any(), "no blob was stored");
    }

    private static void SetToken(GgufWriter file, int id, string text)
    {
        var tokens = ((string[])file.Metadata["tokenizer.ggml.tokens"].Value).ToArray();
        tokens[id] = text;
        file.Set("tokenizer.ggml.tokens", GgufValue.Array(tokens));
    }

    private static void Replace(GgufWriter file, string name, params ulong[] dimensions)
    {
        Assert.True(file.RemoveTensor(name));
        file.AddTensor(name, dimensions, new float[dimensions.Aggregate(1UL, (product, size) => product * size)]);
    }
}
