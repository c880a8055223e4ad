using System.Globalization;
using Strata.Models;

namespace Strata.Benchmarks.Serving;

/// <summary>Prints a server benchmark report: one row per workload, then the HTTP vs in-process comparison and the server's peak memory.</summary>
internal static class ServerBenchmarkTable
{
    public static int Write(ServerBenchmarkReport report)
    {
        Console.WriteLine($"{"workload",-24} {"clients",7} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"TTFT p50",9} {"tok/s",8} {"errors",6} {"429",5}");
        foreach (var w in report.Workloads)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{w.Workload,-24} {w.Clients,7} {w.RequestsPerSecond,8:0.0} {w.P50Ms,8:0} {w.P99Ms,8:0} {(w.FirstTokenP50Ms is { } t ? t.ToString("0", CultureInfo.InvariantCulture) : "-"),9} {(w.TokensPerSecond is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-"),8} {w.Errors,6} {w.Refused,5}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one stream: {report.HttpTokensPerSecond:0.0} tok/s over HTTP vs {report.InProcessTokensPerSecond:0.0} in process, ratio {report.StreamingRatio:0.00} (target >= 0.95)"));
        Console.WriteLine($"{"stream protocol",-24} {"over HTTP",10} {"in process",10} {"ratio",6} {"server CPU ms/token",20} {"runner CPU ms/token",20}");
        foreach (var p in report.Protocols)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Protocol,-24} {p.HttpTokensPerSecond,10:0.0} {p.InProcessTokensPerSecond,10:0.0} {p.Ratio,6:0.00} {p.ServerCpuMsPerToken,20:0.000} {p.RunnerCpuMsPerToken,20:0.000}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU per generated token: {report.HttpCpuMsPerToken:0.00} ms in the server over HTTP vs {report.InProcessCpuMsPerToken:0.00} ms in process"));
        Console.WriteLine($"server peak memory: {ByteSize.Format(report.ServerPeakMemoryBytes)}");
        if (report.RequestChecks is { } checks)
        {
            Console.WriteLine();
            Console.WriteLine($"{"request checks: workload",-28} {"with req/s",11} {"without",9} {"ratio",6} {"CPU ms with",12} {"without",8} {"ratio",6}  target >= 0.98");
            foreach (var row in checks)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Workload,-28} {row.WithChecks,11:0.0} {row.WithoutChecks,9:0.0} {row.Ratio,6:0.000} {row.CpuMsWith,12:0.000} {row.CpuMsWithout,8:0.000} {row.CpuRatio,6:0.000}"));
            }
        }
        return 0;
    }
}
