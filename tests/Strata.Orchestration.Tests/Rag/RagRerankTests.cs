using Strata.Core;
using Strata.Models.Reranking;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>The rerank step of RAG with a real ONNX cross-encoder our code writes: it scores shorter passages higher.</summary>
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

    private RagService Rag(string? defaultModel) => new(
        new Retriever((model, _) => throw new InvalidOperationException($"BM25 retrieval embeds nothing, yet {model} was asked for.")),
        (model, _) => throw new InvalidOperationException("Extractive answers use no chat model."),
        new PromptTemplates())
    {
        Rerankers = catalog.Get,
        DefaultRerankModel = defaultModel,
    };
}
