using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Models.Store;
using Strata.Server;
using Strata.Server.Security;

namespace Strata.Benchmarks.Serving;

/// <summary>One workload's requests/s on the server with its per-request checks and on the same server without them.</summary>
/// <param name="Workload">What was sent.</param>
/// <param name="WithChecks">Median requests/s with the checks (as every server runs).</param>
/// <param name="WithoutChecks">Median requests/s with the checks replaced by nothing.</param>
/// <param name="Ratio">Median of the rounds' with / without ratios (target at least 0.98).</param>
/// <param name="CpuMsWith">Median CPU time of this process (clients and server) per request with the checks.</param>
/// <param name="CpuMsWithout">The same without them.</param>
/// <param name="CpuRatio">Median of the rounds' without / with CPU-per-request ratios: like <paramref name="Ratio"/>, but
/// counting only this process's own CPU time, so other processes' load on a shared machine hardly moves it.</param>
internal sealed record RequestChecksResult(string Workload, double WithChecks, double WithoutChecks, double Ratio, double CpuMsWith, double CpuMsWithout, double CpuRatio);

/// <summary>
/// What the keyless server's browser checks and security headers (<see cref="BrowserRequestGuard"/>,
/// <see cref="SecurityHeaders"/>) cost per request: two servers in this process, built alike except that one has
/// <see cref="RequestChecks"/> off (only code can do that), each driven in turn by the same clients with the headers
/// a browser page sends (Origin, Sec-Fetch-Site), the order swapped every round so machine load falls on both.
/// </summary>
internal static class RequestChecksBenchmark
{
    /// <summary>
    /// Rounds per workload and side (odd, so the median is one measurement). Many short rounds rather than a few long
    /// ones: the ratio is the median of per-round ratios, so load that drifts on a shared machine falls on both sides.
    /// </summary>
    private const int Rounds = 11;

    public static async Task<IReadOnlyList<RequestChecksResult>> RunAsync(
        string modelFile, string model, ServerBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        await using var with = await InProcessServer.StartAsync(modelFile, model, checks: true, cancellationToken);
        await using var without = await InProcessServer.StartAsync(modelFile, model, checks: false, cancellationToken);
        var workloads = new (string Name, Func<HttpClient, Task<bool>> Once)[]
        {
            ("GET /v1/models", http => ModelsOnceAsync(http, cancellationToken)),
            ("embeddings (8 inputs)", http => EmbedOnceAsync(http, cancellationToken)),
            ("chat (streaming)", http => ChatOnceAsync(http, model, options.MaxTokens, cancellationToken)),
        };
        var results = new List<RequestChecksResult>();
        foreach (var (name, once) in workloads)
        {
            // Warm both: models loaded, JIT done, connections open.
            await once(with.Http);
            await once(without.Http);
            log($"request checks, {name}: {Rounds} rounds of {options.Duration.TotalSeconds:0} s with and without, {options.Clients} clients");
            var on = new List<(double Rate, double CpuMs)>();
            var off = new List<(double Rate, double CpuMs)>();
            for (var round = 0; round < Rounds; round++)
            {
                if (round % 2 == 0)
                {
                    on.Add(await RateAsync(with.Http, once, options, cancellationToken));
                    off.Add(await RateAsync(without.Http, once, options, cancellationToken));
                }
                else
                {
                    off.Add(await RateAsync(without.Http, once, options, cancellationToken));
                    on.Add(await RateAsync(with.Http, once, options, cancellationToken));
                }
            }

            results.Add(new RequestChecksResult(name,
                Median(on.Select(r => r.Rate).ToList()), Median(off.Select(r => r.Rate).ToList()), Median(on.Zip(off, (a, b) => a.Rate / b.Rate).ToList()),
                Median(on.Select(r => r.CpuMs).ToList()), Median(off.Select(r => r.CpuMs).ToList()), Median(on.Zip(off, (a, b) => b.CpuMs / a.CpuMs).ToList())));
        }

        return results;
    }

    /// <summary>
    /// Requests/s of <paramref name="once"/> from the configured clients for the configured time (failures are not
    /// counted), and this process's CPU milliseconds per request meanwhile.
    /// </summary>
    private static async Task<(double Rate, double CpuMs)> RateAsync(HttpClient http, Func<HttpClient, Task<bool>> once, ServerBenchmarkOptions options, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var succeeded = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async _ =>
        {
            while (clock.Elapsed < options.Duration && !cancellationToken.IsCancellationRequested)
            {
                if (await once(http))
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return (succeeded / seconds, (self.TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, succeeded));
    }

    private static async Task<bool> ModelsOnceAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("/v1/models", UriKind.Relative), cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private static async Task<bool> EmbedOnceAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var inputs = Enumerable.Range(0, 8).Select(i => $"Benchmark sentence number {i} about vector search and embeddings.").ToArray();
        using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = inputs }, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private static async Task<bool> ChatOnceAsync(HttpClient http, string model, int maxTokens, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model,
                messages = new[] { new { role = "user", content = ServerBenchmark.StreamPrompt } },
                max_tokens = maxTokens,
                temperature = 0,
                seed = 1,
                stream = true,
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>A keyless server on a free loopback port in this process, with its own STRATA_HOME holding the test model.</summary>
    private sealed class InProcessServer(WebApplication app, string home, HttpClient http) : IAsyncDisposable
    {
        public HttpClient Http => http;

        public static async Task<InProcessServer> StartAsync(string modelFile, string model, bool checks, CancellationToken cancellationToken)
        {
            var home = Path.Combine(Path.GetTempPath(), "strata-bench-checks-" + Guid.NewGuid().ToString("N"));
            var paths = new StrataPaths(home);
            Directory.CreateDirectory(home);
            await new ModelImporter(new ModelStore(paths)).ImportAsync(modelFile, model, cancellationToken: cancellationToken);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Server:Urls"] = "http://127.0.0.1:0",
                ["Server:RateLimit:RequestsPerMinute"] = "0",
                ["Models:Llama:ContextSize"] = "2048",
                ["Telemetry:Store"] = "false",
            }).Build();
            var app = StrataServer.Build(paths, configuration, services =>
            {
                services.AddSingleton(new RequestChecks(checks));
                // Quiet: this process's standard output is the report.
                services.AddLogging(logging => logging.ClearProviders());
            });
            await app.StartAsync(cancellationToken);
            var address = new Uri(app.Urls.First());
            // What a page of the server itself sends: the checks read these on every request.
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
            client.DefaultRequestHeaders.Add("Origin", address.GetLeftPart(UriPartial.Authority));
            client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
            client.DefaultRequestHeaders.Add("Sec-Fetch-Mode", "cors");
            return new InProcessServer(app, home, client);
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
