using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Server;

namespace Strata.Benchmarks.Serving;

/// <summary>Settings of <c>strata bench server</c> (<c>bench/run.sh server</c>).</summary>
/// <param name="Clients">Concurrent clients per workload.</param>
/// <param name="Duration">How long each workload runs.</param>
/// <param name="MaxTokens">Tokens per chat request.</param>
/// <param name="RequestChecks">Also compare requests/s with and without the server's per-request checks.</param>
internal sealed record ServerBenchmarkOptions(int Clients, TimeSpan Duration, int MaxTokens, bool RequestChecks = false);

/// <summary>One workload's outcome.</summary>
internal sealed record ServerWorkloadResult(
    string Workload, int Clients, double Seconds, int Requests, double RequestsPerSecond, double P50Ms, double P99Ms,
    double? FirstTokenP50Ms, double? TokensPerSecond, int Errors, int Refused);

/// <summary>What <c>strata bench server</c> reports.</summary>
internal sealed record ServerBenchmarkReport(
    IReadOnlyList<ServerWorkloadResult> Workloads, double HttpTokensPerSecond, double InProcessTokensPerSecond, double StreamingRatio, long ServerPeakMemoryBytes,
    double HttpCpuMsPerToken, double InProcessCpuMsPerToken, IReadOnlyList<ProtocolStreamResult> Protocols, IReadOnlyList<RequestChecksResult>? RequestChecks = null);

/// <summary>One protocol's stream rate against the in-process rate measured in the same rounds.</summary>
/// <param name="Protocol">The protocol's name.</param>
/// <param name="HttpTokensPerSecond">Median generation rate over HTTP.</param>
/// <param name="InProcessTokensPerSecond">Median generation rate in process, in the same rounds.</param>
/// <param name="Ratio">Median of the rounds' ratios.</param>
/// <param name="ServerCpuMsPerToken">CPU time the server process spent per streamed token of this protocol (a model runner's not counted).</param>
/// <param name="RunnerCpuMsPerToken">CPU time the server's child processes (the model's runner) spent per streamed token; 0 with the model in the server.</param>
internal sealed record ProtocolStreamResult(string Protocol, double HttpTokensPerSecond, double InProcessTokensPerSecond, double Ratio,
    double ServerCpuMsPerToken = 0, double RunnerCpuMsPerToken = 0);

/// <summary>The HTTP vs in-process comparison of one stream.</summary>
/// <param name="HttpTokensPerSecond">Median generation rate over HTTP.</param>
/// <param name="InProcessTokensPerSecond">Median generation rate in process.</param>
/// <param name="Ratio">Median of the rounds' HTTP / in-process rate ratios.</param>
/// <param name="HttpCpuMsPerToken">CPU time the server process spent per generated token (HTTP, serialisation and decoding).</param>
/// <param name="InProcessCpuMsPerToken">CPU time this process spent per generated token in process.</param>
/// <param name="Protocols">Each protocol's median rate and median ratio against the in-process stream of the same round.</param>
internal sealed record StreamingComparison(double HttpTokensPerSecond, double InProcessTokensPerSecond, double Ratio, double HttpCpuMsPerToken, double InProcessCpuMsPerToken,
    IReadOnlyList<ProtocolStreamResult> Protocols);

/// <summary>
/// Starts a real <c>strata serve</c> child process on loopback with a generated test model, drives it with concurrent
/// clients for a bounded time (streaming chat, embeddings), then compares one stream's tokens/s over HTTP with the
/// same model and options in process. Only 127.0.0.1 is ever contacted.
/// </summary>
internal static class ServerBenchmark
{
    private const string Model = "bench-llama";

    /// <summary>The prompt of every streamed answer this benchmark asks for.</summary>
    internal const string StreamPrompt = "Tell me a long story about a lighthouse keeper.";

    /// <summary>Rounds of the HTTP vs in-process comparison (odd, so the median is one measurement).</summary>
    private const int StreamRounds = 9;

    /// <summary>
    /// Tokens per stream in the HTTP vs in-process comparison. A 64-token stream of the test model lasts about 120 ms,
    /// so one scheduler stall of a shared 2-core machine moved a round by 20% (single rounds ranged 303–434 tokens/s
    /// on both sides); 256 tokens measure the per-token rate the ratio is about.
    /// </summary>
    private const int StreamTokens = 256;

    public static async Task<ServerBenchmarkReport> RunAsync(ServerBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-server-" + Guid.NewGuid().ToString("N"));
        var paths = new StrataPaths(home);
        try
        {
            Directory.CreateDirectory(home);
            var file = Path.Combine(home, "bench.gguf");
            // Big enough that generation, not HTTP, dominates; small enough to write in a second.
            var model = new TinyLlamaOptions { ContextLength = 2048, EmbeddingLength = 384, BlockCount = 6, HeadCount = 6, KeyValueHeadCount = 6, FeedForwardLength = 1024 };
            TinyLlamaGguf.Write(file, model);
            await new ModelImporter(new ModelStore(paths)).ImportAsync(file, Model, cancellationToken: cancellationToken);

            var port = ServerHealth.FreeLoopbackPort();
            var url = $"http://127.0.0.1:{port}";
            using var server = StrataServeProcess.Start(home, url, "Server:RateLimit:RequestsPerMinute=0", "Models:Llama:ContextSize=2048");
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
            await ServerHealth.WaitUntilHealthyAsync(http, server, TimeSpan.FromSeconds(60), cancellationToken);
            log($"server up at {url} (pid {server.Id})");

            var results = new List<ServerWorkloadResult>();
            log("warming up the chat model and MiniLM");
            await ChatOnceAsync(http, options.MaxTokens, new LatencyRecorder(), cancellationToken);
            await EmbedOnceAsync(http, new LatencyRecorder(), cancellationToken);

            log($"streaming chat: {options.Clients} clients for {options.Duration.TotalSeconds:0} s");
            results.Add(await DriveAsync("chat (streaming)", options, recorder => ChatOnceAsync(http, options.MaxTokens, recorder, cancellationToken), cancellationToken));
            log($"embeddings: {options.Clients} clients for {options.Duration.TotalSeconds:0} s");
            results.Add(await DriveAsync("embeddings (8 inputs)", options, recorder => EmbedOnceAsync(http, recorder, cancellationToken), cancellationToken));

            log($"one {StreamTokens}-token stream over HTTP vs the same model in process, alternating, {StreamRounds} rounds");
            var streaming = await StreamingRatesAsync(http, server.Id, file, StreamTokens, cancellationToken);
            var peak = PeakMemory(server.Id);
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(cancellationToken);
            var checks = options.RequestChecks ? await RequestChecksBenchmark.RunAsync(file, Model, options, log, cancellationToken) : null;
            return new ServerBenchmarkReport(results, streaming.HttpTokensPerSecond, streaming.InProcessTokensPerSecond, streaming.Ratio, peak,
                streaming.HttpCpuMsPerToken, streaming.InProcessCpuMsPerToken, streaming.Protocols, checks);
        }
        finally
        {
            TryDelete(home);
        }
    }

    private static async Task<ServerWorkloadResult> DriveAsync(string name, ServerBenchmarkOptions options, Func<LatencyRecorder, Task> once, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        var deadline = options.Duration;
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async _ =>
        {
            while (clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                await once(recorder);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        double? firstToken = double.IsNaN(recorder.FirstTokenPercentile(50)) ? null : recorder.FirstTokenPercentile(50);
        return new ServerWorkloadResult(name, options.Clients, seconds, recorder.Succeeded, recorder.Succeeded / seconds,
            recorder.LatencyPercentile(50), recorder.LatencyPercentile(99), firstToken,
            recorder.OutputTokens > 0 ? recorder.OutputTokens / seconds : null, recorder.Failed, recorder.Refused);
    }

    private static async Task ChatOnceAsync(HttpClient http, int maxTokens, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var (firstToken, tokens, status) = await StreamChatAsync(http, maxTokens, clock, cancellationToken);
            Record(recorder, status, clock.Elapsed, firstToken, tokens);
        }
        catch (HttpRequestException)
        {
            recorder.Failure();
        }
    }

    private static async Task EmbedOnceAsync(HttpClient http, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var inputs = Enumerable.Range(0, 8).Select(i => $"Benchmark sentence number {i} about vector search and embeddings.").ToArray();
            using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = inputs }, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Record(recorder, response.StatusCode, clock.Elapsed, null, 0);
        }
        catch (HttpRequestException)
        {
            recorder.Failure();
        }
    }

    private static void Record(LatencyRecorder recorder, HttpStatusCode status, TimeSpan latency, TimeSpan? firstToken, long tokens)
    {
        if (status == HttpStatusCode.TooManyRequests)
        {
            recorder.Refusal();
        }
        else if ((int)status is >= 200 and < 300)
        {
            recorder.Success(latency, firstToken, tokens);
        }
        else
        {
            recorder.Failure();
        }
    }

    /// <summary>Streams one completion; returns time to first content, output tokens (from the usage chunk) and status.</summary>
    private static async Task<(TimeSpan? FirstToken, long Tokens, HttpStatusCode Status)> StreamChatAsync(HttpClient http, int maxTokens, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = Model,
                messages = new[] { new { role = "user", content = StreamPrompt } },
                max_tokens = maxTokens,
                temperature = 0,
                seed = 1,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (null, 0, response.StatusCode);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        TimeSpan? first = null;
        long tokens = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            var root = chunk.RootElement;
            if (first is null && root.GetProperty("choices").EnumerateArray().Any(c => c.GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 }))
            {
                first = clock.Elapsed;
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                tokens = usage.GetProperty("completion_tokens").GetInt64();
            }
        }

        return (first, tokens, response.StatusCode);
    }

    private static async Task<(long Tokens, TimeSpan Generating)> HttpStreamAsync(HttpClient http, int maxTokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (first, tokens, _) = await StreamChatAsync(http, maxTokens, clock, cancellationToken);
        return (tokens, clock.Elapsed - (first ?? TimeSpan.Zero));
    }

    /// <summary>
    /// Median generation tokens/s (after the first token, so prompt processing is left out) of one stream over HTTP and
    /// one in process. The two alternate, each round swapping which goes first, so a change in machine load between
    /// them (other processes on a shared machine) falls on both sides instead of deciding the ratio. CPU time per token
    /// is measured too: unlike wall time it hardly moves with other processes' load, so it shows what HTTP costs.
    /// </summary>
    private static async Task<StreamingComparison> StreamingRatesAsync(HttpClient http, int serverPid, string file, int maxTokens, CancellationToken cancellationToken)
    {
        using var client = LlamaChatClient.FromFile(file, new LlamaChatClientOptions { ContextSize = 2048 });
        List<ChatMessage> messages = [new(ChatRole.User, StreamPrompt)];
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0, Seed = 1 };
        await client.GetResponseAsync(messages, options, cancellationToken);
        async Task<(long Tokens, TimeSpan Generating)> InProcessStreamAsync()
        {
            var clock = Stopwatch.StartNew();
            TimeSpan? first = null;
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                if (first is null && update.Text.Length > 0)
                {
                    first = clock.Elapsed;
                }

                updates.Add(update);
            }

            return (updates.ToChatResponse().Usage?.OutputTokenCount ?? 0, clock.Elapsed - (first ?? TimeSpan.Zero));
        }

        static double Rate((long Tokens, TimeSpan Generating) run) => Math.Max(0, run.Tokens - 1) / run.Generating.TotalSeconds;
        var overHttp = new List<double>();
        var inProcess = new List<double>();
        long httpTokens = 0, localTokens = 0;
        TimeSpan httpCpu = TimeSpan.Zero, localCpu = TimeSpan.Zero, httpRunnerCpu = TimeSpan.Zero;
        async Task HttpRoundAsync()
        {
            var before = ProcessorTime(serverPid);
            var runnerBefore = ChildrenProcessorTime(serverPid);
            var run = await HttpStreamAsync(http, maxTokens, cancellationToken);
            httpCpu += ProcessorTime(serverPid) - before;
            httpRunnerCpu += ChildrenProcessorTime(serverPid) - runnerBefore;
            httpTokens += run.Tokens;
            overHttp.Add(Rate(run));
        }

        async Task LocalRoundAsync()
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var run = await InProcessStreamAsync();
            localCpu += Process.GetCurrentProcess().TotalProcessorTime - before;
            localTokens += run.Tokens;
            inProcess.Add(Rate(run));
        }

        // The other protocols stream in the same rounds, right after, so each is compared with the same in-process runs.
        // Each protocol's server and runner CPU is counted over its own streams, so the protocols' writers compare.
        var protocols = ProtocolStreams.Protocols.Skip(1).ToDictionary(p => p, _ => new List<double>());
        var protocolCpu = protocols.Keys.ToDictionary(p => p, _ => (Server: TimeSpan.Zero, Runner: TimeSpan.Zero, Tokens: 0L));
        async Task ProtocolRoundsAsync()
        {
            foreach (var (protocol, rates) in protocols)
            {
                var before = ProcessorTime(serverPid);
                var runnerBefore = ChildrenProcessorTime(serverPid);
                var clock = Stopwatch.StartNew();
                var (first, tokens, _) = await ProtocolStreams.StreamAsync(http, protocol, Model, StreamPrompt, maxTokens, clock, cancellationToken);
                rates.Add(Rate((tokens, clock.Elapsed - (first ?? TimeSpan.Zero))));
                var (server, runner, counted) = protocolCpu[protocol];
                protocolCpu[protocol] = (server + ProcessorTime(serverPid) - before, runner + ChildrenProcessorTime(serverPid) - runnerBefore, counted + tokens);
            }
        }

        // Every path streams, unrecorded, until the JIT settles (the server's and the runner's see the same requests):
        // one warm-up stream had left tier-up compiling through the first measured rounds (Runners README, Measured).
        await Measure.WarmUntilJitSettlesAsync(async () =>
        {
            await HttpStreamAsync(http, maxTokens, cancellationToken);
            await InProcessStreamAsync();
            foreach (var protocol in protocols.Keys)
            {
                await ProtocolStreams.StreamAsync(http, protocol, Model, StreamPrompt, maxTokens, Stopwatch.StartNew(), cancellationToken);
            }
        }, maxRounds: 10);

        for (var round = 0; round < StreamRounds; round++)
        {
            if (round % 2 == 0)
            {
                await HttpRoundAsync();
                await LocalRoundAsync();
                await ProtocolRoundsAsync();
            }
            else
            {
                await ProtocolRoundsAsync();
                await LocalRoundAsync();
                await HttpRoundAsync();
            }
        }

        static double PerToken(TimeSpan cpu, long tokens) => cpu.TotalMilliseconds / Math.Max(1, tokens);
        var others = protocols.Select(p => new ProtocolStreamResult(p.Key, Median(p.Value), Median(inProcess), Median(p.Value.Zip(inProcess, (h, l) => h / l).ToList()),
            PerToken(protocolCpu[p.Key].Server, protocolCpu[p.Key].Tokens), PerToken(protocolCpu[p.Key].Runner, protocolCpu[p.Key].Tokens)));
        return new StreamingComparison(Median(overHttp), Median(inProcess), Median(overHttp.Zip(inProcess, (h, l) => h / l).ToList()),
            httpCpu.TotalMilliseconds / Math.Max(1, httpTokens), localCpu.TotalMilliseconds / Math.Max(1, localTokens),
            [new ProtocolStreamResult(ProtocolStreams.Protocols[0], Median(overHttp), Median(inProcess), Median(overHttp.Zip(inProcess, (h, l) => h / l).ToList()),
                PerToken(httpCpu, httpTokens), PerToken(httpRunnerCpu, httpTokens)), .. others]);
    }

    /// <summary>
    /// User plus system CPU time of the live child processes of <paramref name="pid"/> (its model runners), read from
    /// Linux's /proc; zero elsewhere. A runner that starts or ends between two readings is counted from or up to then.
    /// </summary>
    private static TimeSpan ChildrenProcessorTime(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return TimeSpan.Zero;
        }

        // Each thread lists the children it started, so the runner is under whichever thread launched it.
        var total = TimeSpan.Zero;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            string[] children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                continue; // the thread ended in between
            }

            foreach (var child in children)
            {
                try
                {
                    total += ProcessorTime(int.Parse(child, CultureInfo.InvariantCulture));
                }
                catch (ArgumentException)
                {
                    // It ended in between.
                }
            }
        }

        return total;
    }

    /// <summary>User plus system CPU time of process <paramref name="pid"/>.</summary>
    private static TimeSpan ProcessorTime(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The child's peak resident memory (VmHWM) on Linux; 0 where /proc is absent.</summary>
    private static long PeakMemory(int pid)
    {
        var status = $"/proc/{pid}/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
