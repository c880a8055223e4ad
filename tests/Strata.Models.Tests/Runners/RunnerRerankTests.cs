using Strata.Core;
using Strata.Core.Errors;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Embeddings;
using Strata.Models.Reranking;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// Rerankers through the catalog, which runs them in real runner processes: the same scores as in process for a GGUF
/// reranker and an ONNX cross-encoder, a runner that dies fails only its request (a <see cref="ModelRunnerException"/>
/// naming the model) and the next request starts a new one, and the import gate trial-loads a GGUF reranker.
/// </summary>
public sealed class RunnerRerankTests : IDisposable
{
    private static readonly string[] Documents = ["red green pie", "apple", "red apple tree", "apple apple pie", "tree four"];

    private readonly TemporaryFolder folder = new();
    private readonly ModelStore store;

    public RunnerRerankTests()
    {
        store = new ModelStore(new StrataPaths(folder.Combine("home")));
    }

    [Fact]
    public async Task A_gguf_reranker_in_a_runner_scores_exactly_as_in_process()
    {
        var manifest = await ImportRerankerAsync("tiny-bert-rerank");
        await using var catalog = Catalog();
        using var rerankers = new RerankerCatalog(store, catalog);
        using var inProcess = LlamaReranker.FromManifest(manifest, store);

        var reranker = Assert.IsType<RunnerReranker>(rerankers.Get("tiny-bert-rerank"));
        var remote = await reranker.RerankAsync("apple pie", Documents, topN: 4);
        var local = await inProcess.RerankAsync("apple pie", Documents, topN: 4);

        Assert.NotNull(reranker.RunnerProcessId);
        Assert.NotEqual(Environment.ProcessId, reranker.RunnerProcessId);
        Assert.Equal(local, remote);
        Assert.Equal([3, 1, 2, 4], remote.Select(r => r.Index));
    }

    [Fact]
    public async Task An_onnx_cross_encoder_in_a_runner_scores_exactly_as_in_process()
    {
        var manifest = await TinyCrossEncoderOnnx.SaveAsync(store, "tiny-rerank");
        await using var catalog = Catalog();
        using var rerankers = new RerankerCatalog(store, catalog);
        using var inProcess = OnnxCrossEncoderReranker.FromManifest(manifest, store);
        string[] documents = ["one two three four", "one", "one two", "one two three"];

        var remote = await rerankers.Get("tiny-rerank").RerankAsync("red apple", documents);
        var local = await inProcess.RerankAsync("red apple", documents);

        Assert.IsType<RunnerReranker>(rerankers.Get("tiny-rerank"));
        Assert.Equal(local, remote);
        Assert.Equal([1, 2, 3, 0], remote.Select(r => r.Index));
    }

    [Fact]
    public async Task A_killed_reranker_runner_fails_its_request_naming_the_model_and_the_next_request_starts_a_new_one()
    {
        await ImportRerankerAsync("tiny-bert-rerank");
        await using var catalog = Catalog();
        using var rerankers = new RerankerCatalog(store, catalog);
        var reranker = Assert.IsType<RunnerReranker>(rerankers.Get("tiny-bert-rerank"));
        var first = reranker.RunnerProcessId!.Value;

        reranker.KillRunner();
        var error = await Assert.ThrowsAsync<ModelRunnerException>(() => reranker.RerankAsync("apple pie", Documents));

        Assert.Equal(StrataErrorKind.Unavailable, error.Kind);
        Assert.Contains("The runner of model 'tiny-bert-rerank' was killed by SIGKILL (exit code 137)", error.Message, StringComparison.Ordinal);
        Assert.Contains("the next request starts a new runner", error.Message, StringComparison.Ordinal);
        var next = await reranker.RerankAsync("apple pie", Documents);
        Assert.Equal(3, next[0].Index);
        Assert.NotEqual(first, reranker.RunnerProcessId);
    }

    [Fact]
    public async Task A_model_that_is_no_reranker_is_refused_as_one_without_starting_a_runner_or_in_it()
    {
        var chat = folder.Combine("tiny-llama.gguf");
        TinyLlamaGguf.Write(chat);
        await new ModelImporter(store).ImportAsync(chat, "tiny-chat");
        var minilm = await Strata.Models.Embeddings.BuiltInEmbeddingModels.EnsureAsync(store, Strata.Models.Embeddings.BuiltInEmbeddingModels.MiniLm);
        await using var catalog = Catalog();
        using var rerankers = new RerankerCatalog(store, catalog);

        var gguf = Assert.Throws<RerankerModelException>(() => rerankers.Get("tiny-chat"));
        // A sentence encoder's graph is refused by the runner's cross-encoder check, and comes back as the same 400.
        var onnx = Assert.Throws<RerankerModelException>(() => rerankers.Get(minilm.Name));

        Assert.Contains("Model 'tiny-chat' is not a reranker", gguf.Message, StringComparison.Ordinal);
        Assert.Contains("is not a cross-encoder", onnx.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(folder.Path, onnx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_runners_off_the_catalog_reranks_in_process()
    {
        await ImportRerankerAsync("tiny-bert-rerank");
        await using var catalog = Catalog(runners: false);
        using var rerankers = new RerankerCatalog(store, catalog);

        var reranker = rerankers.Get("tiny-bert-rerank");

        Assert.IsType<LlamaReranker>(reranker);
        Assert.Equal(3, (await reranker.RerankAsync("apple pie", Documents))[0].Index);
    }

    [Fact]
    public async Task The_import_gate_trial_loads_a_gguf_reranker_in_a_runner_and_stores_it()
    {
        var path = folder.Combine("tiny-bert-reranker.gguf");
        TinyBertRerankerGguf.Write(path);

        var manifest = await new ModelImporter(store, new ModelTrialLoader(store.Paths)).ImportAsync(path, "gated-rerank");

        Assert.Equal(ModelFormat.Gguf, manifest.Format);
        using var reranker = LlamaReranker.FromManifest(manifest, store);
        Assert.Equal(3, (await reranker.RerankAsync("apple pie", Documents))[0].Index);
    }

    [Fact]
    public async Task A_gguf_reranker_is_listed_to_rerank_and_refused_for_chat_and_embeddings()
    {
        await ImportRerankerAsync("tiny-bert-rerank");
        await using var catalog = Catalog();

        var entry = Assert.Single(catalog.List(), e => e.Name == "tiny-bert-rerank");
        Assert.Equal(ModelCapabilities.Rerank, entry.Capabilities);
        // Refused before any runner starts: an encoder with a ranking head has nothing for llama.cpp to decode.
        var chat = await Assert.ThrowsAsync<ModelCatalogException>(() => catalog.GetChatClientAsync("tiny-bert-rerank"));
        var embeddings = await Assert.ThrowsAsync<ModelCatalogException>(() => catalog.GetEmbeddingGeneratorAsync("tiny-bert-rerank"));
        Assert.Contains("'tiny-bert-rerank' is a reranker", chat.Message, StringComparison.Ordinal);
        Assert.Contains("not an embedding model", embeddings.Message, StringComparison.Ordinal);
        Assert.Empty(catalog.LoadedChatModels());
    }

    [Fact]
    public async Task An_onnx_cross_encoder_is_listed_to_rerank_and_a_sentence_encoder_to_embed()
    {
        await TinyCrossEncoderOnnx.SaveAsync(store, "tiny-rerank");
        var minilm = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm);
        await using var catalog = Catalog();

        Assert.Equal(ModelCapabilities.Rerank, Assert.Single(catalog.List(), e => e.Name == "tiny-rerank").Capabilities);
        Assert.Equal(ModelCapabilities.Embeddings, Assert.Single(catalog.List(), e => e.Name == minilm.Name).Capabilities);
        // Its [batch, 1] logits would otherwise load as a one-wide embedding model.
        var embeddings = await Assert.ThrowsAsync<ModelCatalogException>(() => catalog.GetEmbeddingGeneratorAsync("tiny-rerank"));
        Assert.Contains("'tiny-rerank' is a reranker, not an embedding model", embeddings.Message, StringComparison.Ordinal);
    }

    public void Dispose() => folder.Dispose();

    private ModelCatalog Catalog(bool runners = true) => new(
        store,
        new ModelsOptions { Runners = runners, IdleSeconds = 300, Llama = new LlamaOptions { ContextSize = 512, Threads = 1, MaxParallelSequences = 4 } },
        new TelemetryOptions(),
        []);

    private async Task<ModelManifest> ImportRerankerAsync(string name)
    {
        var path = folder.Combine(name + ".gguf");
        TinyBertRerankerGguf.Write(path);
        return await new ModelImporter(store).ImportAsync(path, name);
    }
}
