using Strata.Models;
using Strata.Models.HuggingFace;
using Strata.Models.Store;
using Strata.TestSupport.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

public class HubPullTests : HubTestContext
{
    [Fact]
    public async Task Pulls_a_gguf_file_into_a_blob_and_a_manifest()
    {
        var gguf = TestModelBytes.Gguf(300_000, seed: 1);
        var commit = Hub.AddRepository("acme/tiny-GGUF",
            ("tiny-q4_k_m.gguf", gguf, true), ("README.md", "# tiny"u8.ToArray(), false));

        var manifest = await PullAsync("hf://acme/tiny-GGUF");

        Assert.Equal("acme/tiny-gguf", manifest.Name);
        Assert.Equal(ModelFormat.Gguf, manifest.Format);
        Assert.Equal(new ModelSource("huggingface", "hf://acme/tiny-GGUF@main", commit), manifest.Source);
        var file = Assert.Single(manifest.Files);
        Assert.Equal(new ModelFile("tiny-q4_k_m.gguf", Sha256(gguf), gguf.Length), file);
        Assert.Equal(gguf, await File.ReadAllBytesAsync(Store.PathOf(file)));
        Assert.Equal(manifest.Files, Store.Get("acme/tiny-gguf").Files);
        Assert.Empty(PartialFiles());
    }

    [Fact]
    public async Task Pulls_an_onnx_sentence_transformer_with_the_tokenizer_files_it_has()
    {
        var onnx = TestModelBytes.OnnxIdentity(200_000, seed: 2);
        var vocab = TestModelBytes.Random(5_000, seed: 3);
        var tokenizer = TestModelBytes.Random(20_000, seed: 4);
        var pooling = """{"pooling_mode_mean_tokens": true}"""u8.ToArray();
        var config = """{"hidden_size": 4}"""u8.ToArray();
        Hub.AddRepository("sentence-transformers/mini",
            ("onnx/model.onnx", onnx, true),
            ("onnx/model_qint8_avx512.onnx", TestModelBytes.Random(1_000, seed: 5), true),
            ("vocab.txt", vocab, false),
            ("tokenizer.json", tokenizer, true),
            ("config.json", config, false),
            ("1_Pooling/config.json", pooling, false),
            ("pytorch_model.bin", TestModelBytes.Random(1_000, seed: 6), true),
            ("README.md", "# mini"u8.ToArray(), false));

        var manifest = await PullAsync("hf://sentence-transformers/mini", token: null);

        Assert.Equal(ModelFormat.Onnx, manifest.Format);
        Assert.Equal(
            [new("model.onnx", Sha256(onnx), onnx.Length), new("vocab.txt", Sha256(vocab), vocab.Length),
             new("tokenizer.json", Sha256(tokenizer), tokenizer.Length), new("config.json", Sha256(config), config.Length),
             new("1_Pooling/config.json", Sha256(pooling), pooling.Length)],
            manifest.Files);
        foreach (var file in manifest.Files)
        {
            Assert.Equal(file.Digest, Sha256(await File.ReadAllBytesAsync(Store.PathOf(file))));
        }
    }

    [Fact]
    public async Task A_path_naming_a_folder_pulls_the_files_under_it()
    {
        var weights = TestModelBytes.Random(10_000, seed: 7);
        var config = """{"model_type": "gpt2"}"""u8.ToArray();
        Hub.AddRepository("acme/multi",
            ("small/model.safetensors", weights, true), ("small/config.json", config, false), ("large/model.safetensors", [1, 2, 3], true));

        var manifest = await CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/multi/small"), Name = "small" });

        Assert.Equal("small", manifest.Name);
        Assert.Equal(ModelFormat.Torch, manifest.Format);
        Assert.Equal(["model.safetensors", "config.json"], manifest.Files.Select(file => file.Path));
    }

    [Fact]
    public async Task Several_gguf_files_without_a_choice_fail_listing_them_with_sizes()
    {
        var q4 = TestModelBytes.Gguf(2048, seed: 8);
        var q8 = TestModelBytes.Gguf(4096, seed: 9);
        Hub.AddRepository("acme/quants", ("m-q4_k_m.gguf", q4, true), ("m-q8_0.gguf", q8, true));

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/quants"));

        Assert.Contains("2 GGUF files", error.Message, StringComparison.Ordinal);
        Assert.Contains("--file", error.Message, StringComparison.Ordinal);
        Assert.Contains($"m-q4_k_m.gguf  ({ByteSize.Format(q4.Length)})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"m-q8_0.gguf  ({ByteSize.Format(q8.Length)})", error.Message, StringComparison.Ordinal);
        Assert.Empty(BlobFiles());
    }

    [Fact]
    public async Task The_file_option_or_the_chooser_picks_one_of_several_gguf_files()
    {
        var q4 = TestModelBytes.Gguf(2048, seed: 10);
        var q8 = TestModelBytes.Gguf(4096, seed: 11);
        Hub.AddRepository("acme/quants", ("m-q4_k_m.gguf", q4, true), ("m-q8_0.gguf", q8, true));

        var byOption = await PullAsync("hf://acme/quants", file: "m-q8_0.gguf");
        IReadOnlyList<HubFile>? offered = null;
        var byChooser = await PullAsync("hf://acme/quants", chooser: choices => (offered = choices).Single(c => c.Name == "m-q4_k_m.gguf"));

        Assert.Equal(Sha256(q8), Assert.Single(byOption.Files).Digest);
        Assert.Equal(Sha256(q4), Assert.Single(byChooser.Files).Digest);
        Assert.Equal(["m-q4_k_m.gguf", "m-q8_0.gguf"], offered!.Select(file => file.Path));
    }

    [Fact]
    public async Task A_file_option_matching_nothing_fails_listing_the_choices()
    {
        Hub.AddRepository("acme/quants", ("a.gguf", TestModelBytes.Gguf(10, seed: 12), true), ("b.gguf", TestModelBytes.Gguf(10, seed: 13), true));

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/quants", file: "c.gguf"));

        Assert.Contains("'c.gguf' matches no GGUF file", error.Message, StringComparison.Ordinal);
        Assert.Contains("a.gguf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repository_without_gguf_or_onnx_fails_saying_what_it_holds_and_to_give_a_path()
    {
        Hub.AddRepository("acme/torch-only", ("model.safetensors", [1, 2, 3], true), ("config.json", "{}"u8.ToArray(), false));

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/torch-only"));

        Assert.Contains("model.safetensors, config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("hf://acme/torch-only/FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_mode_returns_a_stored_model_and_otherwise_fails_without_any_request()
    {
        Hub.AddRepository("acme/tiny", ("tiny.gguf", TestModelBytes.Gguf(1000, seed: 14), true));
        var stored = await PullAsync("hf://acme/tiny");
        Hub.Requests.Clear();

        var again = await CreatePuller(offline: true).PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny") });
        var error = await Assert.ThrowsAsync<HubException>(() =>
            CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/other"), Offline = true }));

        Assert.Equal(stored.Files, again.Files);
        Assert.Contains("Offline mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("'acme/other'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Hub.Requests);
    }

    [Fact]
    public async Task Reports_progress_ending_with_the_complete_file()
    {
        var gguf = TestModelBytes.Gguf(500_000, seed: 15);
        Hub.AddRepository("acme/tiny", ("tiny.gguf", gguf, true));
        var reports = new List<PullProgress>();

        await CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny") }, new SynchronousProgress<PullProgress>(reports.Add));

        var last = reports[^1];
        Assert.Equal(("tiny.gguf", 1, 1, gguf.Length, (long)gguf.Length), (last.File, last.FileNumber, last.FileCount, last.BytesDone, last.TotalBytes));
        Assert.True(last.IsComplete);
        Assert.All(reports, report => Assert.InRange(report.BytesDone, 0, gguf.Length));
    }
}

/// <summary>Calls the handler on the reporting thread, unlike <see cref="Progress{T}"/>, so tests see every report.</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
