using Microsoft.Extensions.VectorData;
using Strata.Data.Tests.Postgres;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// The distance functions beyond cosine, dot product and Euclidean distance: the two that are score transforms of Strata's
/// metrics (negative dot product, squared Euclidean), declared with attributes, and the Manhattan distance, declared in a
/// definition; each on the indexed first vector and on a second vector that a search scans exactly.
/// </summary>
public abstract class DistanceFunctionContractTests : ContractBackend
{
    public sealed class Arrow
    {
        [VectorStoreKey]
        public int Key { get; set; }

        // Lengths differ, so a cosine score in place of the dot product would show.
        [VectorStoreVector(2, DistanceFunction = DistanceFunction.NegativeDotProductSimilarity)]
        public ReadOnlyMemory<float> Heading { get; set; }

        [VectorStoreVector(2, DistanceFunction = DistanceFunction.EuclideanSquaredDistance)]
        public ReadOnlyMemory<float> Position { get; set; }
    }

    private async Task<VectorStoreCollection<int, Arrow>> Arrows()
    {
        var arrows = Store().GetCollection<int, Arrow>("arrows");
        await arrows.EnsureCollectionExistsAsync();
        await arrows.UpsertAsync([
            new Arrow { Key = 1, Heading = new float[] { 2, 0 }, Position = new float[] { 0, 0 } },
            new Arrow { Key = 2, Heading = new float[] { 1, 0 }, Position = new float[] { 3, 4 } },
            new Arrow { Key = 3, Heading = new float[] { -1, 0 }, Position = new float[] { 1, 1 } },
        ]);
        return arrows;
    }

    [Fact]
    public async Task Negative_dot_product_scores_are_the_negated_inner_product_and_a_threshold_keeps_the_lower_ones()
    {
        var arrows = await Arrows();
        var query = new ReadOnlyMemory<float>([1, 0]);

        var all = await arrows.SearchAsync(query, 3, new VectorSearchOptions<Arrow> { VectorProperty = a => a.Heading }).ToListAsync();
        var kept = await arrows.SearchAsync(query, 3, new VectorSearchOptions<Arrow> { VectorProperty = a => a.Heading, ScoreThreshold = -0.5 })
            .Select(r => r.Record.Key).ToListAsync();

        Assert.Equal([1, 2, 3], all.Select(r => r.Record.Key));
        Assert.Equal([-2.0, -1.0, 1.0], all.Select(r => Math.Round(r.Score!.Value, 5)));
        Assert.Equal([1, 2], kept);
    }

    [Fact]
    public async Task Squared_Euclidean_scores_are_the_squared_distance_and_a_threshold_keeps_the_lower_ones()
    {
        var arrows = await Arrows();
        var query = new ReadOnlyMemory<float>([0, 0]);

        var all = await arrows.SearchAsync(query, 3, new VectorSearchOptions<Arrow> { VectorProperty = a => a.Position }).ToListAsync();
        var kept = await arrows.SearchAsync(query, 3, new VectorSearchOptions<Arrow> { VectorProperty = a => a.Position, ScoreThreshold = 10 })
            .Select(r => r.Record.Key).ToListAsync();

        Assert.Equal([1, 3, 2], all.Select(r => r.Record.Key));
        Assert.Equal([0.0, 2.0, 25.0], all.Select(r => Math.Round(r.Score!.Value, 4)));
        Assert.Equal([1, 3], kept);
    }

    public sealed class Block
    {
        public int Key { get; set; }

        public ReadOnlyMemory<float> Here { get; set; }

        public ReadOnlyMemory<float> There { get; set; }
    }

    // From (0, 0): (0, 0) is 0 blocks away, (1, 1) 2, (3, 4) 7 (Euclidean 0, 1.41, 5, so squared or plain L2 would show).
    [Theory]
    [InlineData("Here")]
    [InlineData("There")]
    public async Task Manhattan_scores_are_the_sum_of_absolute_differences_and_a_threshold_keeps_the_lower_ones(string property)
    {
        var blocks = Store().GetCollection<int, Block>("blocks", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreVectorProperty("Here", typeof(ReadOnlyMemory<float>), 2) { DistanceFunction = DistanceFunction.ManhattanDistance },
                new VectorStoreVectorProperty("There", typeof(ReadOnlyMemory<float>), 2) { DistanceFunction = DistanceFunction.ManhattanDistance },
            ],
        });
        await blocks.EnsureCollectionExistsAsync();
        await blocks.UpsertAsync([
            new Block { Key = 1, Here = new float[] { 0, 0 }, There = new float[] { 0, 0 } },
            new Block { Key = 2, Here = new float[] { 3, 4 }, There = new float[] { 3, 4 } },
            new Block { Key = 3, Here = new float[] { 1, 1 }, There = new float[] { 1, 1 } },
        ]);
        System.Linq.Expressions.Expression<Func<Block, object?>> vector = property == "Here" ? b => b.Here : b => b.There;
        var query = new ReadOnlyMemory<float>([0, 0]);

        var all = await blocks.SearchAsync(query, 3, new VectorSearchOptions<Block> { VectorProperty = vector }).ToListAsync();
        var kept = await blocks.SearchAsync(query, 3, new VectorSearchOptions<Block> { VectorProperty = vector, ScoreThreshold = 5 })
            .Select(r => r.Record.Key).ToListAsync();

        Assert.Equal([1, 3, 2], all.Select(r => r.Record.Key));
        Assert.Equal([0.0, 2.0, 7.0], all.Select(r => Math.Round(r.Score!.Value, 4)));
        Assert.Equal([1, 3], kept);
    }
}

public sealed class EmbeddedDistanceFunctionContractTests : DistanceFunctionContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Embedded(folder);
}

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDistanceFunctionContractTests(PostgresFixture fixture) : DistanceFunctionContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Postgres(fixture);
}
