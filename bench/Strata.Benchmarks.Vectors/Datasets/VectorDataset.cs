namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>Which vectors a benchmark run indexes and queries.</summary>
public enum VectorDatasetKind
{
    /// <summary>Low-rank synthetic vectors (rank 32 + noise 0.1, L2-normalised, fixed seed): instant, no dependencies.</summary>
    Synthetic,

    /// <summary>MiniLM embeddings of real passages from Debian's manual pages and reference manual (<see cref="DebianTextCorpus"/>).</summary>
    MiniLm,
}

/// <summary>The vectors of one run: a base set to index and held-out queries that are not in it (as in ann-benchmarks).</summary>
/// <param name="Name">"synthetic" or "minilm".</param>
/// <param name="Vectors">The base set, L2-normalised; position i is record i.</param>
/// <param name="Queries">The query vectors, L2-normalised, none of them in <paramref name="Vectors"/>.</param>
public sealed record VectorDataset(string Name, float[][] Vectors, float[][] Queries)
{
    /// <summary>Vector length.</summary>
    public int Dimension => Vectors[0].Length;

    /// <summary>The dataset <paramref name="options"/> ask for; the MiniLM one is embedded on first use and read from a cache after that.</summary>
    public static Task<VectorDataset> LoadAsync(VectorBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        return options.Dataset switch
        {
            VectorDatasetKind.Synthetic => Task.FromResult(Synthetic(options.Count, options.Queries, options.Dimension)),
            VectorDatasetKind.MiniLm => MiniLmDataset.LoadAsync(options.Count, options.Queries, log, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Dataset, "Unknown dataset."),
        };
    }

    /// <summary>Low-rank synthetic vectors: the first <paramref name="count"/> are the base set, the next <paramref name="queries"/> the queries.</summary>
    public static VectorDataset Synthetic(int count, int queries, int dimension)
    {
        var all = LowRankVectors.Generate(count + queries, dimension);
        return new("synthetic", all[..count], all[count..]);
    }
}
