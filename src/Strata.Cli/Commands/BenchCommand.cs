using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Strata.Benchmarks.Vectors;
using Strata.Benchmarks.Vectors.Datasets;
using Strata.Cli.Bench;
using Strata.Cli.Output;
using Strata.Models;

namespace Strata.Cli.Commands;

/// <summary><c>strata bench …</c>: end-to-end benchmarks of a running stack.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmark Strata end to end (server under concurrent load, vector search against its peers)") { Server(), Vectors() };

    private static Command Vectors()
    {
        var count = new Option<int>("--n") { Description = "Vectors in the collection (1000-1000000)", DefaultValueFactory = _ => 100_000 };
        var queries = new Option<int>("--queries") { Description = "Query vectors (10-10000)", DefaultValueFactory = _ => 500 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds per system; medians are reported (1-20)", DefaultValueFactory = _ => 3 };
        var dataset = new Option<string>("--dataset")
        {
            Description = "synthetic: low-rank random vectors (rank 32 + noise); minilm: MiniLM embeddings of real passages from Debian's documentation packages (man pages, Debian reference, Python docs; embedded once, then cached)",
            DefaultValueFactory = _ => "synthetic",
        };
        dataset.AcceptOnlyFromAmong("synthetic", "minilm");
        var json = CliOptions.Json();
        var command = new Command("vectors", "Strata's HNSW vs USearch vs hnswlib vs pgvector on the same 384-dim vectors: build time, queries/s at recall@10 >= 0.95, filtered recall, memory and disk per vector")
        {
            count, queries, rounds, dataset, json,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var options = new VectorBenchmarkOptions
            {
                Count = Math.Clamp(parse.GetValue(count), 1000, 1_000_000),
                Queries = Math.Clamp(parse.GetValue(queries), 10, 10_000),
                Rounds = Math.Clamp(parse.GetValue(rounds), 1, 20),
                Dataset = parse.GetValue(dataset) == "minilm" ? VectorDatasetKind.MiniLm : VectorDatasetKind.Synthetic,
                // The configured PostgreSQL when there is one; otherwise the benchmark starts a private cluster of its own.
                PostgresConnectionString = context.Configuration["Data:ConnectionString"] is { Length: > 0 } configured ? configured : context.Configuration.GetConnectionString("Strata"),
            };
            var report = await VectorBenchmarkRunner.RunAsync(options, message => Console.Error.WriteLine(message), cancellationToken);
            return parse.GetValue(json) ? JsonOutput.Write(VectorBenchmarkJson.From(report)) : VectorBenchmarkTable.Write(report);
        }));
        return command;
    }

    private static Command Server()
    {
        var clients = new Option<int>("--clients", "-c") { Description = "Concurrent clients (1-64)", DefaultValueFactory = _ => 4 };
        var seconds = new Option<int>("--seconds", "-t") { Description = "Seconds per workload (1-300)", DefaultValueFactory = _ => 10 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens per chat request", DefaultValueFactory = _ => 64 };
        var json = CliOptions.Json();
        var command = new Command("server", "Load a strata serve on loopback: requests/s, p50/p99, time to first token, errors, peak memory, HTTP vs in-process tokens/s")
        {
            clients, seconds, maxTokens, json,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var options = new ServerBenchmarkOptions(
                Math.Clamp(parse.GetValue(clients), 1, 64), TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 300)), Math.Clamp(parse.GetValue(maxTokens), 1, 1024));
            var report = await ServerBenchmark.RunAsync(options, message => Console.Error.WriteLine(message), cancellationToken);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(report);
            }

            Console.WriteLine($"{"workload",-24} {"clients",7} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"TTFT p50",9} {"tok/s",8} {"errors",6} {"429",5}");
            foreach (var w in report.Workloads)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{w.Workload,-24} {w.Clients,7} {w.RequestsPerSecond,8:0.0} {w.P50Ms,8:0} {w.P99Ms,8:0} {(w.FirstTokenP50Ms is { } t ? t.ToString("0", CultureInfo.InvariantCulture) : "-"),9} {(w.TokensPerSecond is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-"),8} {w.Errors,6} {w.Refused,5}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one stream: {report.HttpTokensPerSecond:0.0} tok/s over HTTP vs {report.InProcessTokensPerSecond:0.0} in process, ratio {report.StreamingRatio:0.00} (target >= 0.95)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU per generated token: {report.HttpCpuMsPerToken:0.00} ms in the server over HTTP vs {report.InProcessCpuMsPerToken:0.00} ms in process"));
            Console.WriteLine($"server peak memory: {ByteSize.Format(report.ServerPeakMemoryBytes)}");
            return 0;
        }));
        return command;
    }
}
