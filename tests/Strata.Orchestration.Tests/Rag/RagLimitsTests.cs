using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Tests.Rag;

public sealed class RagLimitsTests
{
    [Theory]
    [InlineData(1, null)]
    [InlineData(50, null)]
    [InlineData(0, "-k must be between 1 and 50, got 0.")]
    [InlineData(51, "-k must be between 1 and 50, got 51.")]
    public void The_answer_k_range_is_one_to_fifty(int k, string? problem) => Assert.Equal(problem, RagLimits.CheckK(k, "-k"));

    [Theory]
    [InlineData(1000, null)]
    [InlineData(1001, "'k' must be between 1 and 1000, got 1001.")]
    [InlineData(-3, "'k' must be between 1 and 1000, got -3.")]
    public void The_search_k_range_is_one_to_a_thousand(int k, string? problem) => Assert.Equal(problem, RagLimits.CheckSearchK(k, "'k'"));

    [Fact]
    public void The_defaults_lie_inside_their_ranges()
    {
        Assert.Null(RagLimits.CheckK(new RagOptions().K, "k"));
        Assert.Null(RagLimits.CheckSearchK(RagLimits.DefaultSearchK, "k"));
    }
}
