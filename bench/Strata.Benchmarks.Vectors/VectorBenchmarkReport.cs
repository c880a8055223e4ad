using Strata.Benchmarks.Vectors.Datasets;

namespace Strata.Benchmarks.Vectors;

/// <summary>What to measure.</summary>
public sealed record VectorBenchmarkOptions
{
    /// <summary>Vectors in the collection.</summary>
    public int Count { get; init; } = 100_000;

    /// <summary>Query vectors (drawn from the same distribution, not in the collection).</summary>
    public int Queries { get; init; } = 500;

    /// <summary>Which vectors: low-rank synthetic ones (the default) or MiniLM embeddings of a real corpus.</summary>
    public VectorDatasetKind Dataset { get; init; } = VectorDatasetKind.Synthetic;

    /// <summary>Vector length of the synthetic set (384, as MiniLM's embeddings); the MiniLM set is always 384.</summary>
    public int Dimension { get; init; } = 384;

    /// <summary>Rounds of timed queries per system, run in turn; medians are reported.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Whether hnswlib (the npm package hnswlib-node, run by node) takes part; without node it is reported as skipped.</summary>
    public bool IncludeHnswlib { get; init; } = true;

    /// <summary>Whether pgvector takes part.</summary>
    public bool IncludePostgres { get; init; } = true;

    /// <summary>A PostgreSQL with pgvector to measure; when null a private local cluster is started and removed afterwards.</summary>
    public string? PostgresConnectionString { get; init; }
}

/// <summary>One system's numbers. Recall is against exact (filtered) brute force.</summary>
/// <param name="System">strata-hnsw, usearch-dotnet, hnswlib-node, pgvector or brute-force.</param>
/// <param name="RecallAt10">Unfiltered recall@10 at the chosen search width.</param>
/// <param name="Qps">Unfiltered queries per second, one thread, k = 10 (median of the rounds).</param>
/// <param name="BuildSeconds">Time to insert every vector into the index.</param>
/// <param name="Ef">The search width chosen: the smallest of the sweep reaching recall@10 ≥ 0.95.</param>
/// <param name="MemoryBytesPerVector">Process memory the index takes per vector (null where the index lives in a server).</param>
/// <param name="DiskBytesPerVector">Bytes on disk per vector (for pgvector: table, indexes, metadata and text columns).</param>
/// <param name="FilteredRecall">Recall@10 by share of the collection passing the filter ("0.1%", "1%" …).</param>
/// <param name="FilteredQps">Queries per second by share passing, one thread, k = 10 (median of the rounds).</param>
public sealed record VectorSystemResult(
    string System, double RecallAt10, double Qps, double BuildSeconds, int? Ef, double? MemoryBytesPerVector, double? DiskBytesPerVector,
    IReadOnlyDictionary<string, double> FilteredRecall, IReadOnlyDictionary<string, double> FilteredQps);

/// <summary>The whole run: the workload and every system's numbers.</summary>
/// <param name="Count">Vectors.</param>
/// <param name="Dimension">Vector length.</param>
/// <param name="Queries">Query vectors.</param>
/// <param name="Results">One entry per system.</param>
/// <param name="Skipped">Systems that could not run, with the reason.</param>
public sealed record VectorBenchmarkReport(int Count, int Dimension, int Queries, IReadOnlyList<VectorSystemResult> Results, IReadOnlyDictionary<string, string> Skipped)
{
    /// <summary>The dataset measured: "synthetic" or "minilm".</summary>
    public string Dataset { get; init; } = "synthetic";

    /// <summary>Strata's unfiltered queries/s with one and with two searching threads, side by side in this run.</summary>
    public ThreadScaling? StrataThreads { get; init; }

    /// <summary>Strata's index built by one thread and by two linking at once, one after the other in this run.</summary>
    public ParallelBuild? StrataParallelBuild { get; init; }

    /// <summary>Search latency of an embedded collection with two searching clients, alone and while a third upserts.</summary>
    public MixedLoad? StrataMixed { get; init; }

    /// <summary>Whole searches of an embedded collection, unfiltered and at 50 % passing, with the filter repeated or new.</summary>
    public EmbeddedFilteredRates? StrataEmbeddedFiltered { get; init; }

    /// <summary>Strata's filtered search against unfiltered on the index alone, interleaved (see <see cref="InterleavedFiltered"/>).</summary>
    public InterleavedFiltered? StrataInterleavedFiltered { get; init; }

    /// <summary>The result of <paramref name="system"/>, or null when it did not run.</summary>
    public VectorSystemResult? Find(string system) => Results.FirstOrDefault(r => r.System == system);
}

/// <summary>Filtered over unfiltered queries/s on the index alone, the plans' searches interleaved (passing sets built once).</summary>
/// <param name="HalfPassingRatio">At 50 % passing (the collecting walk).</param>
/// <param name="AllPassingRatio">At 100 % passing (the collecting walk at the unfiltered width).</param>
public sealed record InterleavedFiltered(double HalfPassingRatio, double AllPassingRatio);

/// <summary>Queries/s of one index searched by one thread and by two at once (medians of the rounds, run alternately).</summary>
/// <param name="OneThreadQps">All queries on one thread.</param>
/// <param name="TwoThreadQps">The queries split between two threads searching the same index at the same time.</param>
public sealed record ThreadScaling(double OneThreadQps, double TwoThreadQps)
{
    /// <summary>Two-thread over one-thread queries/s.</summary>
    public double Ratio => TwoThreadQps / OneThreadQps;

    /// <summary>hnswlib-node's queries/s on one node worker thread (measured in the same rounds), when it ran.</summary>
    public double? HnswlibOneThreadQps { get; init; }

    /// <summary>hnswlib-node's queries/s on two worker threads, each searching its own copy of the index, when it ran.</summary>
    public double? HnswlibTwoThreadQps { get; init; }

    /// <summary>hnswlib-node's two-thread over one-thread queries/s.</summary>
    public double? HnswlibRatio => HnswlibTwoThreadQps / HnswlibOneThreadQps;
}

/// <summary>Build times of the same vectors into a fresh index, linked by one thread and by two.</summary>
/// <param name="OneThreadSeconds">Build on one thread.</param>
/// <param name="TwoThreadSeconds">Build on two threads.</param>
/// <param name="TwoThreadRecallAt10">Recall@10 of the two-thread index at Strata's chosen search width.</param>
public sealed record ParallelBuild(double OneThreadSeconds, double TwoThreadSeconds, double TwoThreadRecallAt10)
{
    /// <summary>One-thread over two-thread build time (the speed-up).</summary>
    public double Ratio => OneThreadSeconds / TwoThreadSeconds;
}

/// <summary>Search latencies (milliseconds) of two clients searching an embedded collection, read-only and during upserts.</summary>
/// <param name="ReadOnlyP50">Median latency with no writer.</param>
/// <param name="ReadOnlyP99">99th percentile with no writer.</param>
/// <param name="MixedP50">Median latency while a third client upserts batches.</param>
/// <param name="MixedP99">99th percentile while a third client upserts batches.</param>
/// <param name="BatchSize">Records per upsert.</param>
/// <param name="Batches">Upserts committed during the mixed run.</param>
public sealed record MixedLoad(double ReadOnlyP50, double ReadOnlyP99, double MixedP50, double MixedP99, int BatchSize, int Batches)
{
    /// <summary>Mixed over read-only 99th percentile.</summary>
    public double P99Ratio => MixedP99 / ReadOnlyP99;
}

/// <summary>One client's queries/s on an embedded collection (filter, walk, records read back; medians of alternated rounds).</summary>
/// <param name="UnfilteredQps">No filter.</param>
/// <param name="RepeatedFilterQps">50 % passing, the same filter every query (its passing set kept between searches).</param>
/// <param name="DistinctFilterQps">50 % passing, a different filter per query (each evaluated on the payload index).</param>
/// <param name="DistinctFilterSqliteQps">The same, each filter evaluated in SQLite over every record (as before the payload index).</param>
public sealed record EmbeddedFilteredRates(double UnfilteredQps, double RepeatedFilterQps, double DistinctFilterQps, double DistinctFilterSqliteQps)
{
    /// <summary>Repeated-filter over unfiltered queries/s.</summary>
    public double RepeatedRatio => RepeatedFilterQps / UnfilteredQps;

    /// <summary>New-filter-per-query over unfiltered queries/s.</summary>
    public double DistinctRatio => DistinctFilterQps / UnfilteredQps;

    /// <summary>New-filter-per-query through SQLite over unfiltered queries/s.</summary>
    public double DistinctSqliteRatio => DistinctFilterSqliteQps / UnfilteredQps;
}
