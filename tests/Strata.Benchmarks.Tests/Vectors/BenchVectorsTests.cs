using System.Text.Json;
using Strata.Data.TestSupport;

namespace Strata.Benchmarks.Tests.Vectors;

/// <summary><c>bench/run.sh vectors</c>, which <c>strata bench vectors</c> runs, with pgvector on a private cluster.</summary>
public sealed class BenchVectorsTests : IDisposable
{
    private readonly LocalPostgresCluster cluster = LocalPostgresCluster.Start(durable: false);

    public void Dispose() => cluster.Dispose();

    [Fact]
    public async Task Bench_vectors_reports_strata_usearch_hnswlib_and_pgvector_side_by_side()
    {
        using var benchmark = new BenchmarkProcess();
        benchmark.Environment["STRATA__Data__ConnectionString"] = cluster.CreateDatabase("bench_vectors");

        var result = await benchmark.RunAsync("vectors", "--n", "1000", "--queries", "20", "--rounds", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var systems = report.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("system").GetString()!);
        Assert.Equal(["brute-force", "hnswlib-node", "pgvector", "strata-hnsw", "usearch-dotnet"], systems.Keys.Order());
        foreach (var name in new[] { "strata-hnsw", "usearch-dotnet", "hnswlib-node", "pgvector" })
        {
            Assert.True(systems[name].GetProperty("recall_at_10").GetDouble() >= 0.95, name);
            Assert.True(systems[name].GetProperty("qps").GetDouble() > 0, name);
            Assert.True(systems[name].GetProperty("build_seconds").GetDouble() > 0, name);
        }

        foreach (var name in new[] { "strata-hnsw", "pgvector" })
        {
            var filtered = systems[name].GetProperty("filtered_recall").EnumerateObject().ToList();
            Assert.Equal(["0.1%", "1%", "10%", "50%", "100%"], filtered.Select(f => f.Name));
            // 0.9, not the 0.95 the ef was tuned for: twenty queries on a 1,000-vector graph leave room for one unlucky miss.
            Assert.All(filtered, f => Assert.True(f.Value.GetDouble() >= 0.9, $"{name} {f.Name}: {f.Value}"));
        }

        Assert.Empty(report.RootElement.GetProperty("skipped").EnumerateObject());
    }
}
