using System.Globalization;

namespace Strata.Benchmarks.Vectors;

/// <summary>Prints a vector benchmark report: one row per system, then Strata's ratios to each peer.</summary>
internal static class VectorBenchmarkTable
{
    public static int Write(VectorBenchmarkReport report)
    {
        var selectivities = report.Results.SelectMany(r => r.FilteredRecall.Keys).Distinct().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Count:N0} {report.Dataset} vectors x {report.Dimension}, {report.Queries} queries, k = 10, one thread"));
        Console.WriteLine($"{"system",-16} {"build s",8} {"queries/s",10} {"recall@10",9} {"ef",4} {"mem B/vec",10} {"disk B/vec",10}  filtered recall@10 ({string.Join(" / ", selectivities)} passing)");
        foreach (var r in report.Results)
        {
            var filtered = r.FilteredRecall.Count == 0 ? "-" : string.Join(" / ", selectivities.Select(s => r.FilteredRecall.TryGetValue(s, out var v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.System,-16} {r.BuildSeconds,8:0.0} {r.Qps,10:0} {r.RecallAt10,9:0.000} {(r.Ef?.ToString(CultureInfo.InvariantCulture) ?? "-"),4} {Bytes(r.MemoryBytesPerVector),10} {Bytes(r.DiskBytesPerVector),10}  {filtered}"));
        }

        foreach (var r in report.Results.Where(r => r.FilteredQps.Count > 0))
        {
            Console.WriteLine($"{r.System} filtered queries/s ({string.Join(" / ", selectivities)} passing): " +
                string.Join(" / ", selectivities.Select(s => r.FilteredQps.TryGetValue(s, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : "-")));
        }

        foreach (var (system, reason) in report.Skipped)
        {
            Console.WriteLine($"{system}: skipped ({reason})");
        }

        var strata = report.Find("strata-hnsw")!;
        foreach (var peer in report.Results.Where(r => r.System is not ("strata-hnsw" or "brute-force")))
        {
            var disk = strata.DiskBytesPerVector is { } own && peer.DiskBytesPerVector is { } theirs
                ? string.Create(CultureInfo.InvariantCulture, $", disk per vector {own / theirs:0.00}x")
                : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Strata / {peer.System}: queries/s {strata.Qps / peer.Qps:0.00}x, build speed {peer.BuildSeconds / strata.BuildSeconds:0.00}x{disk}"));
        }

        return 0;
    }

    private static string Bytes(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";
}
