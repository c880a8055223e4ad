using System.Globalization;
using System.Text.Json;
using Strata.Benchmarks.Vectors.Datasets;
using Strata.Core;
using Strata.Core.Options;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// Strata's HNSW against USearch, hnswlib (hnswlib-node, in a node child process) and pgvector (<see cref="VectorBenchmarkRunner"/>, shared with <c>strata bench vectors</c>),
/// turned into rows of the benchmark table: <c>vectors</c> on the synthetic low-rank set, <c>vectors-minilm</c> on MiniLM
/// embeddings of Debian's manual pages and reference manual (embedded on first run, then cached). pgvector runs on the configured <c>Data:ConnectionString</c> when set (strata.json or <c>STRATA__Data__ConnectionString</c>), else on a private cluster.
/// </summary>
internal sealed class VectorSearchBenchmark(VectorDatasetKind dataset) : IBenchmark
{
    public string Name => dataset == VectorDatasetKind.MiniLm ? "vectors-minilm" : "vectors";

    public string Description => dataset == VectorDatasetKind.MiniLm
        ? "HNSW search on real MiniLM embeddings of Debian docs (man pages, reference, Python) (Strata vs USearch vs hnswlib vs pgvector): qps at recall@10 ≥ 0.95, build, filtered recall, memory"
        : "HNSW search on low-rank synthetic vectors (Strata vs USearch vs hnswlib vs pgvector): qps at recall@10 ≥ 0.95, build, filtered recall, memory";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var report = await VectorBenchmarkRunner.RunAsync(new VectorBenchmarkOptions
        {
            Dataset = dataset,
            Count = options.Quick ? 20_000 : 100_000,
            Queries = options.Quick ? 200 : 500,
            Rounds = options.Rounds,
            PostgresConnectionString = StrataOptionsBinder.Bind<DataOptions>(StrataConfiguration.Build(StrataPaths.FromEnvironment())).ConnectionString,
        }, line => Console.Error.WriteLine(line), cancellationToken);
        Console.Error.WriteLine($"{Name}: " + JsonSerializer.Serialize(VectorBenchmarkJson.From(report)));
        return VectorBenchmarkRows.From(report);
    }
}

/// <summary>The table rows of a vector benchmark report: Strata against each peer.</summary>
internal static class VectorBenchmarkRows
{
    public static IReadOnlyList<BenchmarkResult> From(VectorBenchmarkReport report)
    {
        var n = report.Count.ToString("N0", CultureInfo.InvariantCulture);
        var strata = report.Find("strata-hnsw")!;
        var rows = new List<BenchmarkResult>();
        if (report.StrataThreads is { } threads)
        {
            rows.Add(new($"Strata search on 2 threads vs 1 ({report.Dataset}, N={n}, ef {strata.Ef})", "queries/s", threads.TwoThreadQps, "Strata, 1 thread", threads.OneThreadQps, 1.8));
            if (threads.HnswlibTwoThreadQps is { } peerTwo && threads.HnswlibOneThreadQps is { } peerOne)
            {
                rows.Add(new($"hnswlib-node search on 2 worker threads vs 1, each its own index copy ({report.Dataset}, N={n})", "queries/s", peerTwo, "hnswlib-node, 1 thread", peerOne, null));
            }
        }

        if (report.StrataParallelBuild is { } build)
        {
            rows.Add(new($"Strata build on 2 threads vs 1 ({report.Dataset}, N={n}, recall@10 {build.TwoThreadRecallAt10:0.000} at ef {strata.Ef})", "vectors/s",
                report.Count / build.TwoThreadSeconds, "Strata, 1 thread", report.Count / build.OneThreadSeconds, 1.7));
        }

        if (report.StrataMixed is { } mixed)
        {
            // Inverse latency, so that higher is better as in every other row: the ratio is read-only p99 over mixed p99.
            rows.Add(new($"Strata search p99, 2 clients while a third upserts batches of {mixed.BatchSize} ({mixed.Batches} batches)", "1/s (1/p99)",
                1000 / mixed.MixedP99, "same, read-only", 1000 / mixed.ReadOnlyP99, null));
        }

        if (strata.FilteredQps.TryGetValue("50%", out var halfPassing))
        {
            rows.Add(new($"Strata filtered search at 50% passing vs unfiltered ({report.Dataset}, N={n})", "queries/s", halfPassing, "Strata, unfiltered", strata.Qps, 1.0));
        }

        if (report.StrataInterleavedFiltered is { } interleaved)
        {
            // Ratios only: the rows compare summed times of the plans' searches run in turn, so 1.0 stands for the unfiltered walk.
            rows.Add(new($"Strata filtered search at 50% passing vs unfiltered, interleaved, each at its first ef reaching recall@10 0.95 ({report.Dataset}, N={n})", "× unfiltered rate", interleaved.HalfPassingRatio, "Strata, unfiltered", 1.0, 1.0));
            rows.Add(new($"Strata filtered search at 100% passing vs unfiltered, interleaved ({report.Dataset}, N={n})", "× unfiltered rate", interleaved.AllPassingRatio, "Strata, unfiltered", 1.0, null));
        }

        if (report.StrataEmbeddedFiltered is { } embedded)
        {
            rows.Add(new($"Strata embedded collection, 50% passing, filter repeated vs unfiltered ({report.Dataset}, N={n})", "queries/s", embedded.RepeatedFilterQps, "same, unfiltered", embedded.UnfilteredQps, null));
            rows.Add(new($"Strata embedded collection, 50% passing, new filter per query vs unfiltered ({report.Dataset}, N={n})", "queries/s", embedded.DistinctFilterQps, "same, unfiltered", embedded.UnfilteredQps, null));
            rows.Add(new($"Strata embedded collection, 50% passing, new filter per query in SQLite (before the payload index) vs unfiltered ({report.Dataset}, N={n})", "queries/s", embedded.DistinctFilterSqliteQps, "same, unfiltered", embedded.UnfilteredQps, null));
        }
        foreach (var (peerName, peer) in new[] { ("USearch .NET", report.Find("usearch-dotnet")), ("hnswlib-node 3.0", report.Find("hnswlib-node")), ("pgvector 0.8", report.Find("pgvector")) })
        {
            if (peer is null)
            {
                continue;
            }

            rows.Add(new($"queries/s at recall@10≥0.95 ({report.Dataset}, N={n}, ef {strata.Ef} vs {peer.Ef})", "queries/s", strata.Qps, peerName, peer.Qps, 1.0));
            rows.Add(new($"index build ({report.Dataset}, N={n}, M=16, efC=200)", "vectors/s", report.Count / strata.BuildSeconds, peerName, report.Count / peer.BuildSeconds, 1.0));
            foreach (var (label, peerQps) in peer.FilteredQps)
            {
                if (strata.FilteredQps.TryGetValue(label, out var strataQps))
                {
                    rows.Add(new($"filtered queries/s, {label} passing", "queries/s", strataQps, peerName, peerQps, null));
                }
            }

            if (peer.DiskBytesPerVector is { } peerDisk && strata.DiskBytesPerVector is { } strataDisk)
            {
                rows.Add(new("disk per vector (inverse)", "vectors/MiB", (1 << 20) / strataDisk, peerName, (1 << 20) / peerDisk, null));
            }

            if (peer.MemoryBytesPerVector is { } peerMemory && strata.MemoryBytesPerVector is { } strataMemory)
            {
                rows.Add(new("memory per vector (inverse)", "vectors/MiB", (1 << 20) / strataMemory, peerName, (1 << 20) / peerMemory, null));
            }
        }

        if (report.Find("brute-force") is { } brute)
        {
            rows.Add(new("queries/s vs exact brute force", "queries/s", strata.Qps, "brute force (1 thread)", brute.Qps, null));
        }

        foreach (var system in report.Results.Where(r => r.FilteredRecall.Count > 0))
        {
            foreach (var (label, recall) in system.FilteredRecall)
            {
                rows.Add(new($"{system.System} filtered recall@10, {label} passing", "recall", recall, "filtered brute force", 1.0, VectorBenchmarkRunner.TargetRecall));
            }
        }

        return rows;
    }
}
