using Strata.Core;
using Strata.Models.Reranking;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>
/// The rerank step of RAG with a real ONNX cross-encoder our code writes (it scores shorter passages higher), and with a
/// GGUF reranker in a runner (it scores the share of a keyword).
/// </summary>
public sealed class RagRerankTests : IAsyncLifetime
{
    private static readonly FixedHitsCollection Manual = new(
        FixedHitsCollection.Chunk("a", "/srv/sudo.md", 0, "sudo runs a command as root after asking for your own password."),
        FixedHitsCollection.Chunk("b", "/srv/manual.pdf", 3, "Members of the sudo group may use sudo.", page: 12),
        FixedHitsCollection.Chunk("c", "/srv/apt.md", 1, "apt installs packages."));

    private readonly TemporaryFolder home = new("strata-rerank-test-");
    private RerankerCatalog catalog = null!;

    public async Task InitializeAsync()
    {
        var store = new ModelStore(new StrataPaths(home.Path));
        await TinyCrossEncoderOnnx.SaveAsync(store, "tiny-rerank");
        catalog = new RerankerCatalog(store);
    }

    public Task DisposeAsync()
    {
        catalog.Dispose();
        home.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_default_rerank_model_reorders_the_candidates_and_keeps_k()
    {
        var answer = await Rag("tiny-rerank").AskAsync(Manual, "Who may use sudo?", new RagOptions { Mode = RetrievalMode.Bm25, K = 2 });

        Assert.Equal(["/srv/apt.md", "/srv/manual.pdf"], answer.Passages.Select(p => p.Source));
    }

    [Fact]
    public async Task Without_a_rerank_model_the_retrieved_order_stands()
    {
        var answer = await Rag(null).AskAsync(Manual, "Who may use sudo?", new RagOptions { Mode = RetrievalMode.Bm25, K = 2 });

        Assert.Equal(["/srv/sudo.md", "/srv/manual.pdf"], answer.Passages.Select(p => p.Source));
    }

    [Fact]
    public async Task A_question_may_name_its_own_rerank_model()
    {
        var answer = await Rag(null).AskAsync(Manual, "Who may use sudo?", new RagOptions { Mode = RetrievalMode.Bm25, K = 1, RerankModel = "tiny-rerank" });

        Assert.Equal("/srv/apt.md", Assert.Single(answer.Passages).Source);
    }

    [Fact]
    public async Task A_gguf_reranker_in_a_runner_reorders_the_candidates()
    {
        // The tiny BERT reranker scores the keyword's share of each (question, passage) pair's tokens.
        var store = new ModelStore(new StrataPaths(home.Path));
        var file = Path.Combine(home.Path, "tiny-bert-reranker.gguf");
        TinyBertRerankerGguf.Write(file);
        await new ModelImporter(store).ImportAsync(file, "tiny-bert-rerank");
        await using var models = new Strata.Models.Catalog.ModelCatalog(
            store, new Strata.Core.Options.ModelsOptions { Runners = true }, new Strata.Core.Options.TelemetryOptions(), []);
        using var rerankers = new RerankerCatalog(store, models);
        var fruit = new FixedHitsCollection(
            FixedHitsCollection.Chunk("a", "/srv/trees.md", 0, "tree tree tree apple"),
            FixedHitsCollection.Chunk("b", "/srv/four.md", 0, "one two three four"),
            FixedHitsCollection.Chunk("c", "/srv/pie.md", 0, "apple apple pie"));

        var answer = await Rag(null, rerankers).AskAsync(fruit, "apple", new RagOptions { Mode = RetrievalMode.Bm25, K = 2, RerankModel = "tiny-bert-rerank" });

        Assert.Equal(["/srv/pie.md", "/srv/trees.md"], answer.Passages.Select(p => p.Source));
        Assert.IsType<Strata.Models.Runners.RunnerReranker>(rerankers.Get("tiny-bert-rerank"));
    }

    private RagService Rag(string? defaultModel, RerankerCatalog? rerankers = null) => new(
        new Retriever((model, _) => throw new InvalidOperationException($"BM25 retrieval embeds nothing, yet {model} was asked for.")),
        (model, _) => throw new InvalidOperationException("Extractive answers use no chat model."),
        new PromptTemplates())
    {
        Rerankers = (rerankers ?? catalog).Get,
        DefaultRerankModel = defaultModel,
    };
}
