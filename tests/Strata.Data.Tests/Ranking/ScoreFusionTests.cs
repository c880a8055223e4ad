using Strata.Data.Search;

namespace Strata.Data.Tests.Ranking;

public sealed class ScoreFusionTests
{
    private static readonly IReadOnlyList<(string, double)> Dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)];
    private static readonly IReadOnlyList<(string, double)> Text = [("c", 12.0), ("d", 3.0), ("a", 1.0)];

    [Theory]
    [InlineData(FusionMethod.WeightedScore)]
    [InlineData(FusionMethod.ReciprocalRank)]
    public void Hybrid_fusion_without_document_evidence_is_the_two_list_fusion(FusionMethod fusion)
    {
        var options = new SearchOptions { K = 4, Fusion = fusion, DenseWeight = 0.3, TextWeight = 0.7, DocumentDenseShare = 0 };
        var sources = new Dictionary<string, string> { ["a"] = "x", ["c"] = "y" };
        Assert.Equal(ScoreFusion.Fuse([(Dense, 0.3), (Text, 0.7)], fusion, 4), ScoreFusion.FuseHybrid(Dense, Text, [], sources, options));
    }

    [Fact]
    public void A_ranked_document_takes_its_share_of_the_text_weight()
    {
        var options = new SearchOptions { K = 4, DenseWeight = 0.5, TextWeight = 0.5, DocumentTextShare = 0.75, DocumentDenseShare = 0 };
        // Documents x (best) and y (worst) scale to 1 and 0; "b" names no source and keeps its whole text weight.
        var fused = ScoreFusion.FuseHybrid(Dense, Text, [("x", 7.0), ("y", 2.0)], new Dictionary<string, string> { ["a"] = "x", ["c"] = "y" }, options)
            .ToDictionary(f => f.Id, f => f.Score);
        // a: dense 1, own text 0 (the list's last), document x 1.
        Assert.Equal(0.5 * 1 + 0.5 * (0.25 * 0 + 0.75 * 1), fused["a"], 9);
        // c: dense 0, own text 1, document y 0.
        Assert.Equal(0.5 * 0 + 0.5 * (0.25 * 1 + 0.75 * 0), fused["c"], 9);
        // d: no dense, own text (3 - 1) / 11, no source: the whole text weight.
        Assert.Equal(0.5 * (2.0 / 11), fused["d"], 9);
        Assert.Equal(0.5 * (0.4 / 0.8), fused["b"], 9);
        Assert.Equal("a", fused.MaxBy(f => f.Value).Key);
    }

    [Theory]
    [InlineData(FusionMethod.WeightedScore)]
    [InlineData(FusionMethod.ReciprocalRank)]
    public void Records_without_a_source_fuse_as_two_lists_whatever_the_document_shares(FusionMethod fusion)
    {
        var options = new SearchOptions { K = 4, Fusion = fusion };
        Assert.Equal(ScoreFusion.Fuse([(Dense, options.DenseWeight), (Text, options.TextWeight)], fusion, 4),
            ScoreFusion.FuseHybrid(Dense, Text, [("x", 7.0)], new Dictionary<string, string>(), options));
    }

    [Fact]
    public void A_record_shares_its_documents_best_dense_score()
    {
        // Page p's record p1 is nearest in meaning and holds none of the words; its record p2 holds the words and is far in
        // meaning. Record q1 of page q is second in both lists, which is where chunk-level fusion puts the best compromise.
        IReadOnlyList<(string, double)> dense = [("p1", 0.9), ("q1", 0.8), ("r1", 0.5), ("p2", 0.1)];
        IReadOnlyList<(string, double)> text = [("p2", 10.0), ("q1", 8.0), ("r1", 1.0)];
        var sources = new Dictionary<string, string> { ["p1"] = "p", ["p2"] = "p", ["q1"] = "q", ["r1"] = "r" };
        var options = new SearchOptions { K = 4, DenseWeight = 0.4, TextWeight = 0.6, DocumentDenseShare = 0.5 };

        var fused = ScoreFusion.FuseHybrid(dense, text, [], sources, options).ToDictionary(f => f.Id, f => f.Score);

        // Documents by their best record: p 0.9, q 0.8, r 0.5, scaled to 1, 0.75, 0.
        Assert.Equal(0.4 * (0.5 * 0 + 0.5 * 1) + 0.6 * 1, fused["p2"], 9);
        Assert.Equal(0.4 * (0.5 * 0.875 + 0.5 * 0.75) + 0.6 * (7.0 / 9), fused["q1"], 9);
        Assert.Equal(0.4 * (0.5 * 1 + 0.5 * 1), fused["p1"], 9);
        Assert.Equal("p2", fused.MaxBy(f => f.Value).Key);
        // Scored by the records alone, q1 wins.
        var alone = ScoreFusion.FuseHybrid(dense, text, [], sources, options with { DocumentDenseShare = 0 });
        Assert.Equal("q1", alone[0].Id);
    }
}
