using System.Globalization;
using System.Text.Json;

namespace Strata.Benchmarks;

/// <summary>
/// <c>bench/run.sh [--quick] [--rounds N] [--json] [NAME...]</c>: runs the named benchmarks (no names: every one), each
/// measuring Strata and its peer in turn, and prints one table: workload, Strata, peer, ratio.
/// </summary>
internal static class SideBySideRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        IBenchmark[] all =
        [
            new Strata.Benchmarks.Llama.LlamaChatBenchmark(),
            new Strata.Benchmarks.Runners.RunnerOverheadBenchmark(),
            new Strata.Benchmarks.Embeddings.EmbeddingThroughputBenchmark(),
            new Strata.Benchmarks.Monitoring.TracingOverheadBenchmark(),
            new Strata.Benchmarks.Monitoring.MetricLoggingBenchmark(),
            new Strata.Benchmarks.Vectors.VectorSearchBenchmark(Strata.Benchmarks.Vectors.Datasets.VectorDatasetKind.Synthetic),
            new Strata.Benchmarks.Vectors.VectorSearchBenchmark(Strata.Benchmarks.Vectors.Datasets.VectorDatasetKind.MiniLm),
            new Strata.Benchmarks.Ingestion.IngestionBenchmark(),
            new Strata.Benchmarks.Ingestion.IngestionWorkersBenchmark(),
            new Strata.Benchmarks.Retrieval.HybridSearchBenchmark(),
            new Strata.Benchmarks.Retrieval.RerankCostBenchmark(),
            new Strata.Benchmarks.Synthesis.GanTrainingBenchmark(),
            new Strata.Benchmarks.Synthesis.DiffusionTrainingBenchmark(),
        ];

        var json = args.Contains("--json");
        var quick = args.Contains("--quick");
        var roundsIndex = Array.IndexOf(args, "--rounds");
        var rounds = roundsIndex >= 0 && roundsIndex + 1 < args.Length ? int.Parse(args[roundsIndex + 1], CultureInfo.InvariantCulture) : (quick ? 3 : 5);
        var names = args.Where((arg, i) => !arg.StartsWith("--", StringComparison.Ordinal) && (roundsIndex < 0 || i != roundsIndex + 1)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = names.Where(name => all.All(b => !b.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0 || args.Contains("--help"))
        {
            Console.Error.WriteLine($"Benchmarks: {string.Join(", ", all.Select(b => $"{b.Name} ({b.Description})"))}");
            Console.Error.WriteLine($"Commands (first argument; see bench/run.sh NAME --help): {string.Join(", ", BenchmarkCommandLine.Build().Subcommands.Select(c => $"{c.Name} ({c.Description})"))}");
            return unknown.Count > 0 ? 2 : 0;
        }

        var options = new BenchmarkOptions(rounds, quick);
        var results = new List<(string Benchmark, BenchmarkResult Result)>();
        foreach (var benchmark in all.Where(b => names.Count == 0 || names.Contains(b.Name)))
        {
            Console.Error.WriteLine($"running {benchmark.Name}: {benchmark.Description}");
            foreach (var result in await benchmark.RunAsync(options, CancellationToken.None))
            {
                results.Add((benchmark.Name, result));
            }
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                benchmark = r.Benchmark, workload = r.Result.Workload, unit = r.Result.Unit, strata = r.Result.Strata,
                peer = r.Result.PeerName, peerValue = r.Result.Peer, ratio = r.Result.Ratio, target = r.Result.Target, meetsTarget = r.Result.MeetsTarget,
            }), new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        Console.WriteLine($"{"workload",-52} {"unit",-12} {"Strata",10} {"peer",-26} {"peer value",10} {"ratio",7} {"target",7}");
        foreach (var (_, r) in results)
        {
            var target = r.Target is { } t ? string.Create(CultureInfo.InvariantCulture, $"≥{t:0.##}") + (r.MeetsTarget == true ? " ok" : " MISS") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Workload,-52} {r.Unit,-12} {r.Strata,10:0.0} {r.PeerName,-26} {r.Peer,10:0.0} {r.Ratio,7:0.00} {target,7}"));
        }

        return 0;
    }
}
