using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.Tests.Conformance;

/// <summary>The Manhattan (L1) metric, the same on every backend (pgvector's <c>&lt;+&gt;</c> and <c>vector_l1_ops</c>).</summary>
public abstract partial class VectorCollectionConformanceTests
{
    [Fact]
    public async Task A_Manhattan_collection_scores_minus_the_L1_distance_and_keeps_its_metric_when_reopened()
    {
        var random = new Random(23);
        var vectors = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var records = SyntheticVectors.Records(vectors);
        var collection = await NewCollectionAsync(DistanceMetric.L1);
        await collection.UpsertAsync(records);
        static double L1(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Sum();

        var hits = 0;
        var queries = vectors.Take(20).Select(v => v.Select(x => x * 0.9f + 0.05f).ToArray()).ToArray();
        foreach (var query in queries)
        {
            var found = await collection.SearchAsync(query, new SearchOptions { K = 5, IncludeVectors = true });
            var truth = records.OrderBy(r => L1(query, r.Vector)).Take(5).Select(r => r.Id).ToHashSet();
            Assert.Equal(5, found.Count);
            Assert.All(found, hit => Assert.Equal(-L1(query, hit.Vector!), hit.Score, 3));
            Assert.Equal(found.OrderByDescending(hit => hit.Score).Select(hit => hit.Id), found.Select(hit => hit.Id));
            hits += found.Count(hit => truth.Contains(hit.Id));
        }

        // An approximate index may miss a neighbour now and then; the scores above are exact.
        Assert.True(hits >= 90, $"{hits} of 100 exact L1 neighbours found");
        collection.Dispose();
        using var reopened = await Database.OpenAsync(collection.Spec.Name);
        Assert.Equal(DistanceMetric.L1, reopened.Spec.Distance);
        var again = await reopened.SearchAsync(queries[0], new SearchOptions { K = 5, IncludeVectors = true });
        Assert.All(again, hit => Assert.Equal(-L1(queries[0], hit.Vector!), hit.Score, 3));
    }
}
