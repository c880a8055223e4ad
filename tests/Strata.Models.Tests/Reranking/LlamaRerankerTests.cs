using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Formats.Gguf;
using Strata.Models.Reranking;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Reranking;

/// <summary>
/// The GGUF reranker in process, on llama.cpp's rank pooling, with a BERT reranker our own code writes whose logit
/// follows <see cref="TinyBertRerankerGguf.Logit"/> (the keyword's share of <c>[CLS] query [SEP] document [SEP]</c>).
/// </summary>
public sealed class LlamaRerankerTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly string path;

    public LlamaRerankerTests()
    {
        path = folder.Combine("tiny-bert-reranker.gguf");
        TinyBertRerankerGguf.Write(path);
    }

    [Fact]
    public async Task Documents_come_back_best_first_with_the_sigmoid_of_the_logit_llama_cpp_computes()
    {
        using var reranker = LlamaReranker.FromFile(path, "tiny-bert-rerank");
        const string query = "apple pie";
        string[] documents = ["red green pie", "apple", "red apple tree", "apple apple pie", "tree four"];

        var results = await reranker.RerankAsync(query, documents);

        var expected = documents.Select((d, i) => (Index: i, Score: Sigmoid(Expected(query, d)))).OrderByDescending(e => e.Score).ToList();
        Assert.Equal(expected.Select(e => e.Index), results.Select(r => r.Index));
        Assert.Equal([3, 1, 2], results.Take(3).Select(r => r.Index));
        foreach (var result in results)
        {
            AssertClose(Expected(query, documents[result.Index]), Logit(result.RelevanceScore));
        }
    }

    [Fact]
    public async Task Pairs_sharing_a_forward_pass_score_as_each_would_alone_and_top_n_cuts_the_list()
    {
        using var reranker = LlamaReranker.FromFile(path, "tiny-bert-rerank");
        // 40 pairs of 5 to 150 tokens: several batches of up to 512 tokens, each holding several sequences that must not
        // see each other.
        var documents = Enumerable.Range(0, 40)
            .Select(i => string.Join(' ', Enumerable.Range(0, 1 + (i % 9 * 18)).Select(j => j % 3 == i % 2 ? TinyBertRerankerGguf.Keyword : "word")))
            .ToList();

        var together = await reranker.ScoreAsync("red apple", documents);
        var alone = new List<float>();
        foreach (var document in documents)
        {
            alone.Add((await reranker.ScoreAsync("red apple", [document]))[0]);
        }

        // What each pair scores alone (to rounding: a packed pass sums attention over a longer, masked row): no sequence
        // saw another's tokens, which would move a score by 0.01 or more.
        Assert.Equal(alone, together, (a, b) => Math.Abs(a - b) < 1e-4);
        for (var i = 0; i < documents.Count; i++)
        {
            // Half-precision attention drifts from the reference as a pair grows (0.007 at 150 tokens).
            AssertClose(Expected("red apple", documents[i]), together[i], TinyBertRerankerGguf.PairTokens("red apple", documents[i]) <= 64 ? 0.005 : 0.02);
        }

        var top = await reranker.RerankAsync("red apple", documents, topN: 3);
        Assert.Equal(3, top.Count);
        AssertClose(together.Max(), Logit(top[0].RelevanceScore));
    }

    [Fact]
    public async Task A_pair_longer_than_the_window_is_cut_from_the_document()
    {
        using var reranker = LlamaReranker.FromFile(path, "tiny-bert-rerank", new LlamaEmbeddingOptions { ContextSize = 64 });
        var longDocument = string.Join(' ', Enumerable.Repeat(TinyBertRerankerGguf.Keyword + " word word word word word", 100));

        var score = (await reranker.ScoreAsync("query", [longDocument]))[0];

        // [CLS] query [SEP] + the document's first 60 tokens (10 of them the keyword) + [SEP]: the window's 64.
        Assert.Equal(64, reranker.PairTokenLimit);
        AssertClose(TinyBertRerankerGguf.Logit(keywordTokens: 10, totalTokens: 64), score);
    }

    [Fact]
    public void A_gguf_that_is_no_reranker_is_refused_before_llama_cpp_loads_it()
    {
        var chat = folder.Combine("tiny-llama.gguf");
        TinyLlamaGguf.Write(chat);

        var error = Assert.Throws<RerankerModelException>(() => LlamaReranker.FromFile(chat, "tiny"));

        Assert.Contains("Model 'tiny' is not a reranker", error.Message, StringComparison.Ordinal);
        Assert.Equal("model", error.Param);
    }

    [Fact]
    public async Task A_rank_pooled_gguf_without_a_classification_head_is_refused_in_managed_code_and_never_stored()
    {
        // llama.cpp aborts the process on such a file ("RANK pooling requires either cls+cls_b or cls_out+cls_out_b").
        var headless = folder.Combine("headless.gguf");
        TinyBertRerankerGguf.WithoutHead(TinyBertRerankerGguf.Build()).Write(headless);
        var store = new ModelStore(new StrataPaths(folder.Combine("home")));

        var read = Assert.Throws<GgufFormatException>(() => GgufReader.Read(headless));
        var load = Assert.Throws<RerankerModelException>(() => LlamaReranker.FromFile(headless, "headless"));
        var import = await Assert.ThrowsAnyAsync<ModelStoreException>(() => new ModelImporter(store).ImportAsync(headless, "headless"));

        Assert.Contains("declares rank pooling (a reranker) but it has no classification head", read.Message, StringComparison.Ordinal);
        Assert.Contains("no classification head", load.Message, StringComparison.Ordinal);
        Assert.Contains("no classification head", import.Message, StringComparison.Ordinal);
        Assert.Empty(store.List().Models);
    }

    [Fact]
    public void Token_types_stored_in_half_precision_are_refused_in_managed_code()
    {
        // ggml's CPU add aborts on an F16 operand ("binary_op: unsupported types"), at the first pair scored.
        var file = TinyBertRerankerGguf.Build();
        file.RemoveTensor("token_types.weight");
        file.AddTensor("token_types.weight", [8, 2], new float[16], GgmlType.F16);
        var halfTypes = folder.Combine("f16-types.gguf");
        file.Write(halfTypes);

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(halfTypes));

        Assert.Contains("tensor 'token_types.weight' is F16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_half_head_is_named()
    {
        var file = TinyBertRerankerGguf.Build();
        file.RemoveTensor("cls.bias");
        file.RemoveTensor("cls.output.bias");
        var halfHead = folder.Combine("half-head.gguf");
        file.Write(halfHead);

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(halfHead));

        Assert.Contains("it has cls.weight and cls.output.weight but no whole pair", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => folder.Dispose();

    private static double Expected(string query, string document) => TinyBertRerankerGguf.Logit(
        TinyBertRerankerGguf.KeywordCount(query) + TinyBertRerankerGguf.KeywordCount(document), TinyBertRerankerGguf.PairTokens(query, document));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // llama.cpp's attention runs in half precision on the CPU, about 1e-3 off the managed reference; one token more or
    // less in a pair moves the logit by 0.015 or more at these keyword shares, so 0.005 still tells the layouts apart.
    private static void AssertClose(double expected, double actual, double tolerance = 0.005) =>
        Assert.True(Math.Abs(expected - actual) < tolerance, $"expected {expected:F5}, llama.cpp gave {actual:F5}");

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
