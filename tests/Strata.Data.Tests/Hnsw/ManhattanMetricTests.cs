using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Tests.Hnsw;

/// <summary>The embedded index's Manhattan (L1) metric: the distance itself and the graph built and searched with it.</summary>
public sealed class ManhattanMetricTests
{
    // 103 dimensions: whole SIMD blocks of any width and a remainder, both summed.
    [Fact]
    public void The_distance_is_the_sum_of_absolute_differences_over_every_dimension()
    {
        var random = new Random(5);
        var a = Enumerable.Range(0, 103).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, 103).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var expected = a.Zip(b, (x, y) => Math.Abs((double)x - y)).Sum();

        Assert.Equal(expected, VectorDistance.Manhattan(a, b), 3);
        Assert.Equal(expected, VectorDistance.Distance(a, b, DistanceMetric.L1), 3);
        Assert.Equal(0f, VectorDistance.Manhattan(a, a));
    }

    [Fact]
    public void Recall_at_10_against_exact_Manhattan_neighbours_is_at_least_0_95()
    {
        const int count = 3000, queries = 50, k = 10, dimension = 48;
        var vectors = SyntheticVectors.LowRank(count + queries, dimension, seed: 17);
        var index = new HnswIndex(dimension, DistanceMetric.L1, new HnswParameters(M: 16, EfConstruction: 100, EfSearch: 64));
        for (var i = 0; i < count; i++)
        {
            index.Upsert($"v{i}", vectors[i]);
        }

        var hits = 0;
        for (var q = count; q < count + queries; q++)
        {
            var truth = Enumerable.Range(0, count).OrderBy(i => VectorDistance.Manhattan(vectors[q], vectors[i])).Take(k).Select(i => $"v{i}").ToHashSet();
            var found = index.Search(vectors[q], k, 64);
            Assert.All(found, n => Assert.Equal(VectorDistance.Manhattan(vectors[q], vectors[int.Parse(index.IdOf(n.Node)[1..], System.Globalization.CultureInfo.InvariantCulture)]), n.Distance, 3));
            hits += found.Count(n => truth.Contains(index.IdOf(n.Node)));
        }

        Assert.True(hits / (double)(queries * k) >= 0.95, $"recall@10 = {hits / (double)(queries * k):0.000}");
    }
}
