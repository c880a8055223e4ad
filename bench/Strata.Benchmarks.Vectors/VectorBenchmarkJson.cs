namespace Strata.Benchmarks.Vectors;

/// <summary>The JSON shape of a report: <c>{"results":[{"system","recall_at_10","qps","build_seconds",…}, …]}</c>.</summary>
public static class VectorBenchmarkJson
{
    /// <summary>An object that serialises to the report's JSON shape.</summary>
    public static object From(VectorBenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new
        {
            dataset = report.Dataset,
            n = report.Count,
            dimension = report.Dimension,
            queries = report.Queries,
            results = report.Results.Select(r => new
            {
                system = r.System,
                recall_at_10 = r.RecallAt10,
                qps = r.Qps,
                build_seconds = r.BuildSeconds,
                ef = r.Ef,
                bytes_per_vector_memory = r.MemoryBytesPerVector,
                bytes_per_vector_disk = r.DiskBytesPerVector,
                filtered_recall = r.FilteredRecall,
                filtered_qps = r.FilteredQps,
            }),
            skipped = report.Skipped,
        };
    }
}
