using System.Text.Json;

namespace Strata.Benchmarks.Tests.Serving;

/// <summary><c>bench/run.sh server</c>, which <c>strata bench server</c> runs.</summary>
public sealed class BenchServerTests
{
    [Fact]
    public async Task Bench_server_drives_a_real_server_and_reports_every_workload_without_errors()
    {
        using var benchmark = new BenchmarkProcess();

        var result = await benchmark.RunAsync("server", "--clients", "2", "--seconds", "1", "--max-tokens", "8", "--request-checks", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var workloads = report.RootElement.GetProperty("workloads").EnumerateArray().ToList();
        Assert.Equal(2, workloads.Count);
        Assert.All(workloads, w =>
        {
            Assert.True(w.GetProperty("requests").GetInt32() > 0);
            Assert.Equal(0, w.GetProperty("errors").GetInt32());
        });
        Assert.True(report.RootElement.GetProperty("httpTokensPerSecond").GetDouble() > 0);
        Assert.True(report.RootElement.GetProperty("inProcessTokensPerSecond").GetDouble() > 0);
        Assert.True(report.RootElement.GetProperty("serverPeakMemoryBytes").GetInt64() > 0);
        Assert.True(report.RootElement.GetProperty("streamingRatio").GetDouble() > 0);
        Assert.True(report.RootElement.GetProperty("httpCpuMsPerToken").GetDouble() > 0);
        Assert.True(report.RootElement.GetProperty("inProcessCpuMsPerToken").GetDouble() > 0);
        var protocols = report.RootElement.GetProperty("protocols").EnumerateArray().ToList();
        Assert.Equal(["chat completions", "responses", "anthropic messages", "ollama chat"], protocols.Select(p => p.GetProperty("protocol").GetString()));
        Assert.All(protocols, p => Assert.True(p.GetProperty("httpTokensPerSecond").GetDouble() > 0, p.GetProperty("protocol").GetString()));
        var checks = report.RootElement.GetProperty("requestChecks").EnumerateArray().ToList();
        Assert.Equal(["GET /v1/models", "embeddings (8 inputs)", "chat (streaming)"], checks.Select(c => c.GetProperty("workload").GetString()));
        Assert.All(checks, c =>
        {
            Assert.True(c.GetProperty("withChecks").GetDouble() > 0);
            Assert.True(c.GetProperty("withoutChecks").GetDouble() > 0);
            Assert.True(c.GetProperty("ratio").GetDouble() > 0);
        });
    }
}
