using System.CommandLine;

namespace Strata.Cli.Bench;

/// <summary>
/// <c>strata bench server</c>'s options, declared once: the strata command parses them for its help and to reject a typo
/// before anything is built, and the benchmark program (bench/Strata.Benchmarks) parses the same declarations to run.
/// </summary>
internal sealed class ServerBenchmarkCommand : Command
{
    public ServerBenchmarkCommand()
        : base("server", "Load a strata serve on loopback: requests/s, p50/p99, time to first token, errors, peak memory, HTTP vs in-process tokens/s")
    {
        Options.Add(Clients);
        Options.Add(Seconds);
        Options.Add(MaxTokens);
        Options.Add(RequestChecks);
        Options.Add(Json);
    }

    public Option<int> Clients { get; } = new("--clients", "-c") { Description = "Concurrent clients (1-64)", DefaultValueFactory = _ => 4 };

    public Option<int> Seconds { get; } = new("--seconds", "-t") { Description = "Seconds per workload (1-300)", DefaultValueFactory = _ => 10 };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "Tokens per chat request", DefaultValueFactory = _ => 64 };

    public Option<bool> RequestChecks { get; } = new("--request-checks")
    {
        Description = "Also measure what the per-request browser checks and security headers cost: the same workloads on two in-process servers, with and without them, in alternating rounds (target ratio >= 0.98)",
    };

    public Option<bool> Json { get; } = CliOptions.Json();
}

/// <summary><c>strata bench vectors</c>'s options, declared once for the strata command and the benchmark program (see <see cref="ServerBenchmarkCommand"/>).</summary>
internal sealed class VectorBenchmarkCommand : Command
{
    public VectorBenchmarkCommand()
        : base("vectors", "Strata's HNSW vs USearch vs hnswlib vs pgvector on the same 384-dim vectors: build time, queries/s at recall@10 >= 0.95, filtered recall, memory and disk per vector")
    {
        Dataset.AcceptOnlyFromAmong("synthetic", "minilm");
        Options.Add(Count);
        Options.Add(Queries);
        Options.Add(Rounds);
        Options.Add(Dataset);
        Options.Add(Json);
    }

    public Option<int> Count { get; } = new("--n") { Description = "Vectors in the collection (1000-1000000)", DefaultValueFactory = _ => 100_000 };

    public Option<int> Queries { get; } = new("--queries") { Description = "Query vectors (10-10000)", DefaultValueFactory = _ => 500 };

    public Option<int> Rounds { get; } = new("--rounds") { Description = "Timed rounds per system; medians are reported (1-20)", DefaultValueFactory = _ => 3 };

    public Option<string> Dataset { get; } = new("--dataset")
    {
        Description = "synthetic: low-rank random vectors (rank 32 + noise); minilm: MiniLM embeddings of real passages from Debian's documentation packages (man pages, Debian reference, Python docs; embedded once, then cached)",
        DefaultValueFactory = _ => "synthetic",
    };

    public Option<bool> Json { get; } = CliOptions.Json();
}
