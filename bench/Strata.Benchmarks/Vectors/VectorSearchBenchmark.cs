using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// Strata's HNSW against USearch on the same low-rank vectors: queries/s at recall@10 ≥ 0.95 (each system's search width
/// tuned to reach it), build time, filtered recall, memory and disk per vector. Single thread, k = 10, M = 16, efConstruction = 200.
/// </summary>
internal sealed class VectorSearchBenchmark : IBenchmark
{
    private const int Dimension = 384;
    private const int K = 10;
    private const int M = 16;
    private const int EfConstruction = 200;
    private const double TargetRecall = 0.95;
    private static readonly int[] EfSweep = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];

    public string Name => "vectors";

    public string Description => "HNSW search (Strata vs USearch): qps at recall@10 ≥ 0.95, build, filtered recall, memory";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var count = options.Quick ? 20_000 : 100_000;
        var queryCount = options.Quick ? 200 : 500;
        var all = LowRankVectors.Generate(count + queryCount, Dimension);
        var vectors = all[..count];
        var queries = all[count..];
        var truth = queries.Select(q => LowRankVectors.BruteForce(q, vectors, K).ToHashSet()).ToArray();
        Console.Error.WriteLine($"vectors: {count} x {Dimension}, {queryCount} queries");

        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var strata = new HnswIndex(Dimension, DistanceMetric.Cosine, new HnswParameters(M, EfConstruction, 64));
        for (var i = 0; i < count; i++)
        {
            strata.Upsert(i.ToString(CultureInfo.InvariantCulture), vectors[i]);
        }

        var strataBuild = watch.Elapsed.TotalSeconds;
        var strataMemory = (GC.GetTotalMemory(forceFullCollection: true) - memoryBefore) / (double)count;
        Console.Error.WriteLine($"vectors: Strata built in {strataBuild:0.0} s");

        using var usearch = new USearchPeer(Dimension, M, EfConstruction);
        usearch.Reserve(count);
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            usearch.Add((ulong)i, vectors[i]);
        }

        var usearchBuild = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"vectors: USearch built in {usearchBuild:0.0} s");

        var strataKeys = Enumerable.Range(0, count).Select(i => strata.IdOf(i)).ToArray();
        double StrataRecall(int ef) => Recall(queries.Select(q => strata.Search(q, K, ef).Select(n => int.Parse(strataKeys[n.Node], CultureInfo.InvariantCulture)).ToArray()).ToArray(), truth);
        double USearchRecall(int ef)
        {
            usearch.SetExpansion(ef);
            var keys = new ulong[K];
            return Recall(queries.Select(q => { var n = usearch.Search(q, K, keys); return keys.Take(n).Select(key => (int)key).ToArray(); }).ToArray(), truth);
        }

        var (strataEf, strataRecall) = Tune(StrataRecall, "Strata");
        var (usearchEf, usearchRecall) = Tune(USearchRecall, "USearch");
        usearch.SetExpansion(usearchEf);

        var (strataQps, usearchQps) = await Measure.AlternatingAsync(options.Rounds,
            () => Task.FromResult(Qps(queries, q => strata.Search(q, K, strataEf))),
            () =>
            {
                var keys = new ulong[K];
                return Task.FromResult(Qps(queries, q => usearch.Search(q, K, keys)));
            });
        var bruteQps = Qps(queries[..Math.Min(50, queryCount)], q => LowRankVectors.BruteForce(q, vectors, K));

        var filtered = new List<(int Percent, double Recall)>();
        foreach (var percent in new[] { 1, 10, 50 })
        {
            var allowed = Enumerable.Range(0, count).Where(i => i % 100 < percent).ToArray();
            var nodes = allowed.Select(i => i).ToArray();
            var filteredTruth = queries.Select(q => LowRankVectors.BruteForce(q, vectors, K, allowed).ToHashSet()).ToArray();
            var found = queries.Select(q => FilteredSearch.Run(strata, q, K, strataEf, nodes).Select(n => int.Parse(strataKeys[n.Node], CultureInfo.InvariantCulture)).ToArray()).ToArray();
            filtered.Add((percent, Recall(found, filteredTruth)));
        }

        var directory = Directory.CreateTempSubdirectory("strata-bench-vectors");
        try
        {
            var strataFile = Path.Combine(directory.FullName, "strata.hnsw");
            strata.Save(strataFile);
            var usearchFile = Path.Combine(directory.FullName, "usearch.index");
            usearch.Save(usearchFile);
            var strataDisk = new FileInfo(strataFile).Length / (double)count;
            var usearchDisk = new FileInfo(usearchFile).Length / (double)count;
            var usearchMemory = usearch.MemoryUsage / (double)count;

            Console.Error.WriteLine("vectors: " + JsonSerializer.Serialize(new
            {
                results = new object[]
                {
                    new { system = "strata-hnsw", recall_at_10 = strataRecall, qps = strataQps, build_seconds = strataBuild, ef = strataEf, bytes_per_vector_memory = strataMemory, bytes_per_vector_disk = strataDisk,
                        filtered_recall = filtered.ToDictionary(f => $"{f.Percent}%", f => f.Recall) },
                    new { system = "usearch-dotnet", recall_at_10 = usearchRecall, qps = usearchQps, build_seconds = usearchBuild, ef = usearchEf, bytes_per_vector_memory = usearchMemory, bytes_per_vector_disk = usearchDisk },
                    new { system = "brute-force", recall_at_10 = 1.0, qps = bruteQps, build_seconds = 0.0 },
                },
            }));

            var n = count.ToString("N0", CultureInfo.InvariantCulture);
            var rows = new List<BenchmarkResult>
            {
                new($"queries/s at recall@10≥0.95 (N={n}, ef {strataEf} vs {usearchEf})", "queries/s", strataQps, "USearch .NET", usearchQps, 1.0),
                new($"index build (N={n}, M=16, efC=200, 1 thread)", "vectors/s", count / strataBuild, "USearch .NET", count / usearchBuild, 1.0),
                new("queries/s vs exact brute force", "queries/s", strataQps, "brute force (1 thread)", bruteQps, null),
                new("memory per vector (inverse)", "vectors/MiB", (1 << 20) / strataMemory, "USearch .NET", (1 << 20) / usearchMemory, null),
                new("disk per vector (inverse)", "vectors/MiB", (1 << 20) / strataDisk, "USearch .NET", (1 << 20) / usearchDisk, null),
            };
            rows.AddRange(filtered.Select(f => new BenchmarkResult($"filtered recall@10 at {f.Percent}% passing", "recall", f.Recall, "filtered brute force", 1.0, TargetRecall)));
            return rows;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (int Ef, double Recall) Tune(Func<int, double> recallAt, string system)
    {
        var recall = 0.0;
        foreach (var ef in EfSweep)
        {
            recall = recallAt(ef);
            Console.Error.WriteLine($"vectors: {system} ef={ef} recall@10={recall:0.000}");
            if (recall >= TargetRecall)
            {
                return (ef, recall);
            }
        }

        return (EfSweep[^1], recall);
    }

    private static double Recall(int[][] found, HashSet<int>[] truth) =>
        found.Select((ids, q) => ids.Count(truth[q].Contains)).Sum() / (double)truth.Sum(t => t.Count);

    private static double Qps<T>(float[][] queries, Func<float[], T> search)
    {
        var watch = Stopwatch.StartNew();
        foreach (var query in queries)
        {
            _ = search(query);
        }

        return queries.Length / watch.Elapsed.TotalSeconds;
    }
}
