using Strata.Models.Embeddings;
using Strata.Models.Reranking;
using Strata.Models.Store;
using Strata.Models.Tests.Embeddings;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Reranking;

/// <summary>The cross-encoder reranker on a graph our own code writes, whose scores follow <see cref="TinyCrossEncoderOnnx.Logit"/>.</summary>
public sealed class OnnxCrossEncoderRerankerTests(MiniLmFixture minilm) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public async Task Documents_come_back_best_first_with_the_sigmoid_of_the_graphs_logit()
    {
        using var reranker = OnnxCrossEncoderReranker.FromManifest(await StoreAsync("tiny-rerank"), minilm.Store);
        string[] documents = ["one two three four", "one", "one two", "one two three"];

        var results = await reranker.RerankAsync("red apple", documents);

        Assert.Equal([1, 2, 3, 0], results.Select(r => r.Index));
        foreach (var result in results)
        {
            var pieces = documents[result.Index].Split(' ').Length;
            Assert.Equal(Sigmoid(TinyCrossEncoderOnnx.Logit(queryPieces: 2, pieces)), result.RelevanceScore, 5);
        }
    }

    [Fact]
    public async Task The_query_is_the_first_segment_and_top_n_cuts_the_list()
    {
        using var reranker = OnnxCrossEncoderReranker.FromManifest(await StoreAsync("tiny-rerank-top"), minilm.Store);

        var shortQuery = await reranker.RerankAsync("apple", ["one two", "one"], topN: 1);
        var longQuery = await reranker.RerankAsync("red apple pie", ["one two", "one"], topN: 1);

        Assert.Equal(1, Assert.Single(shortQuery).Index);
        Assert.Equal(Sigmoid(TinyCrossEncoderOnnx.Logit(1, 1)), shortQuery[0].RelevanceScore, 5);
        Assert.Equal(Sigmoid(TinyCrossEncoderOnnx.Logit(3, 1)), Assert.Single(longQuery).RelevanceScore, 5);
    }

    [Fact]
    public async Task Many_documents_in_several_batches_keep_their_indexes()
    {
        using var reranker = OnnxCrossEncoderReranker.FromManifest(await StoreAsync("tiny-rerank-batches"), minilm.Store, new OnnxEmbeddingOptions { MaxBatchSize = 3 });
        var documents = Enumerable.Range(1, 20).Select(n => string.Join(' ', Enumerable.Repeat("word", 21 - n))).ToList();

        var results = await reranker.RerankAsync("query", documents);

        Assert.Equal(Enumerable.Range(0, 20).Reverse(), results.Select(r => r.Index));
    }

    [Fact]
    public async Task The_catalog_loads_a_stored_cross_encoder_once_and_refuses_a_missing_one()
    {
        await StoreAsync("tiny-rerank-catalog");
        using var catalog = new RerankerCatalog(minilm.Store);

        Assert.Same(catalog.Get("tiny-rerank-catalog"), catalog.Get("tiny-rerank-catalog"));
        Assert.Throws<ModelNotFoundException>(() => catalog.Get("no-such-reranker"));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private Task<ModelManifest> StoreAsync(string name) => TinyCrossEncoderOnnx.SaveAsync(minilm.Store, name);
}
