using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Postgres;
using Strata.Data.Search;

namespace Strata.Data.Tests.Postgres;

/// <summary>Filtered kNN stays correct from 0.1% to 100% of the collection passing, on both the exact and the HNSW path.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresFilteredSearchTests(PostgresFixture fixture)
{
    private const int Count = 4000;
    private const int Dimension = 32;

    [Fact]
    public async Task Filtered_search_matches_filtered_brute_force_at_every_selectivity_on_both_paths()
    {
        using var database = new PostgresVectorDatabase(fixture.SharedConnectionString);
        using var collection = await database.CreateAsync(new CollectionSpec("filtered-" + Guid.NewGuid().ToString("N")[..8], Dimension, Hnsw: new HnswParameters(16, 64, 40)));
        var vectors = SyntheticVectors.LowRank(Count, Dimension, seed: 11);
        // bucket is i mod 1000, so "bucket lt P" passes P/10 percent of the records.
        var records = SyntheticVectors.Records(vectors, i => new JsonObject { ["bucket"] = i % 1000 });
        foreach (var batch in records.Chunk(1000))
        {
            await collection.UpsertAsync(batch);
        }

        var queries = SyntheticVectors.LowRank(30, Dimension, seed: 12);
        foreach (var plan in new[] { FilteredSearchPlan.Auto, FilteredSearchPlan.IndexFirst })
        {
            collection.FilteredPlan = plan;
            foreach (var passing in new[] { 1, 10, 100, 500, 1000 })
            {
                var filter = MetadataFilter.Parse($$"""{"field":"bucket","lt":{{passing}}}""");
                var allowed = records.Where(r => FilterPredicate.Matches(filter, r.Metadata)).Select(r => (r.Id, r.Vector)).ToList();
                var wanted = Math.Min(10, allowed.Count);
                var found = 0;
                foreach (var query in queries)
                {
                    var truth = SyntheticVectors.BruteForce(query, allowed, 10);
                    var hits = await collection.SearchAsync(query, new SearchOptions { K = 10, Filter = filter });
                    Assert.Equal(wanted, hits.Count);
                    Assert.All(hits, hit => Assert.True(FilterPredicate.Matches(filter, hit.Metadata)));
                    Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
                    found += hits.Count(hit => truth.Contains(hit.Id));
                }

                var recall = found / (double)(wanted * queries.Length);
                Assert.True(recall >= 0.95, $"recall@10 {recall:0.000} with {passing / 10.0}% passing (plan {plan})");
            }
        }
    }

    [Theory]
    [InlineData(0L, 700L, 20_000.0)] // nothing passing in the sample
    [InlineData(1L, 700L, 20_000.0)] // about 0.1 %: the index scan would visit about half the table
    [InlineData(7L, 700L, 20_000.0)] // 1 % of 20,000: measured to cost as much as exact search
    [InlineData(3L, 700L, 1_000.0)] // a small table
    [InlineData(1L, 7000L, 10_000_000.0)] // 0.01 % of a large table: the scan would run into its tuple limit
    public void Rare_filters_are_searched_exactly(long matching, long sampled, double rows) =>
        Assert.False(PostgresCollection.IndexScanPays(new FilterSample(matching, sampled, rows), k: 10));

    [Theory]
    [InlineData(70L, 700L, 20_000.0)] // 10 %
    [InlineData(700L, 700L, 20_000.0)] // all
    [InlineData(7L, 700L, 1_000_000.0)] // 1 % of a large table
    public void Broad_filters_use_the_index(long matching, long sampled, double rows) =>
        Assert.True(PostgresCollection.IndexScanPays(new FilterSample(matching, sampled, rows), k: 10));

    [Theory]
    [InlineData(2L, 600L, 21_000L, 1024)] // 0.1 % of 100,000 rows: two passing rows in 128 pages decide nothing
    [InlineData(6L, 600L, 21_000L, 1024)] // 1 % of the same table: still too few to trust
    [InlineData(2L, 600L, 3_600L, 450)] // 20,000 rows: an eighth of the table
    [InlineData(2L, 600L, 600L, 0)] // a table the first sample nearly covers
    [InlineData(60L, 600L, 21_000L, 0)] // 10 %: enough passing rows
    public void Too_few_passing_rows_in_the_sample_widen_it(long matching, long sampled, long pages, int wider) =>
        Assert.Equal(wider, PostgresCollection.WiderSamplePages(new FilterSample(matching, sampled, sampled * (double)pages / PostgresCollection.SamplePages), pages));

    [Theory]
    [InlineData(700L, 700L, 1.0)] // all passing: the configured width
    [InlineData(350L, 700L, 2.0)] // half: twice the width, so the first pass meets as many passing rows
    [InlineData(70L, 700L, 4.0)] // 10 %: capped, the iterative scan carries on from there
    [InlineData(0L, 700L, 4.0)]
    public void The_search_width_grows_as_the_share_passing_falls(long matching, long sampled, double factor) =>
        Assert.Equal(factor, PostgresCollection.FilteredWidthFactor(new FilterSample(matching, sampled, 20_000)), 6);
}
