using System.Diagnostics;
using Microsoft.Extensions.AI;
using Strata.Benchmarks.Embeddings;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Benchmarks.Runners;

/// <summary>
/// What running a model in a runner process costs: the catalog's clients with <c>Models:Runners</c> on (the model in a
/// child process, over JSON-RPC on a Unix socket) against the same catalog with it off (today's in-process
/// <c>LlamaChatClient</c> and ONNX generator), same model, same middleware, measured in alternating rounds.
/// Rows: streaming generation tokens/s for 1 and 4 concurrent streams, time to first token, MiniLM embeddings/s at
/// batch 32, the runner's cold start (spawn and load) against an in-process load, and decode of a 0.5 B model against
/// the physical limit (<see cref="DecodeVersusBandwidth"/>); then an image model's runner (<see cref="ImageRunnerBenchmark"/>).
/// </summary>
internal sealed class RunnerOverheadBenchmark : IBenchmark
{
    public string Name => "runners";

    public string Description => "local models in runner processes vs in process: streaming tokens/s (1 and 4 streams), TTFT, embeddings/s, cold start; 0.5 B decode vs bandwidth ÷ model bytes; an image model (DCGAN) through its runner: images/s and cold start";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var rows = new List<BenchmarkResult>(await CompareAsync(options, cancellationToken));
        // Its own home and model, written and deleted after the comparison's are gone, so the disk holds one at a time.
        rows.Add(await DecodeVersusBandwidth.MeasureAsync(options, cancellationToken));
        rows.AddRange(await ImageRunnerBenchmark.MeasureAsync(options, cancellationToken));
        return rows;
    }

    private static async Task<IReadOnlyList<BenchmarkResult>> CompareAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-runners-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new ModelStore(new StrataPaths(home));
            Directory.CreateDirectory(home);
            var file = Path.Combine(home, "bench.gguf");
            TinyLlamaGguf.Write(file, options.Quick
                ? new TinyLlamaOptions { EmbeddingLength = 512, HeadCount = 8, KeyValueHeadCount = 8, BlockCount = 6, FeedForwardLength = 1536, ContextLength = 2048 }
                : new TinyLlamaOptions { EmbeddingLength = 768, HeadCount = 12, KeyValueHeadCount = 12, BlockCount = 8, FeedForwardLength = 2048, ContextLength = 2048 });
            await new ModelImporter(store).ImportAsync(file, "bench", cancellationToken: cancellationToken);
            File.Delete(file);
            var generated = options.Quick ? 64 : 128;

            await using var runners = Catalog(store, runnersOn: true);
            await using var inProcess = Catalog(store, runnersOn: false);
            var (coldRunner, coldInProcess) = await ColdStartAsync(runners, inProcess, cancellationToken);
            var runnerChat = await runners.GetChatClientAsync("bench", cancellationToken: cancellationToken);
            var localChat = await inProcess.GetChatClientAsync("bench", cancellationToken: cancellationToken);

            // Warm both paths until the JIT settles: its work belongs to the cold start, not to the rates.
            var warmRounds = await Measure.WarmUntilJitSettlesAsync(async () =>
            {
                await StreamAsync(runnerChat, 0, generated, null, cancellationToken);
                await StreamAsync(localChat, 0, generated, null, cancellationToken);
                await AggregateAsync(runnerChat, generated, cancellationToken);
                await AggregateAsync(localChat, generated, cancellationToken);
            }, maxRounds: 12);
            Console.Error.WriteLine($"runners: {warmRounds} warm-up rounds (1 and 4 streams each way) before measuring");
            int? RunnerChatPid() => runnerChat.GetService<RunnerChatClient>()?.RunnerProcessId;
            var (oneRunnerCpu, oneLocalCpu) = (new ProcessCpu(), new ProcessCpu());
            var (oneRunner, oneLocal) = await Measure.AlternatingAsync(options.Rounds,
                () => oneRunnerCpu.MeasureAsync(RunnerChatPid, () => StreamAsync(runnerChat, 0, generated, null, cancellationToken)),
                () => oneLocalCpu.MeasureAsync(() => null, () => StreamAsync(localChat, 0, generated, null, cancellationToken)));
            var (fourRunnerCpu, fourLocalCpu) = (new ProcessCpu(), new ProcessCpu());
            var (fourRunner, fourLocal) = await Measure.AlternatingAsync(options.Rounds,
                () => fourRunnerCpu.MeasureAsync(RunnerChatPid, () => AggregateAsync(runnerChat, generated, cancellationToken)),
                () => fourLocalCpu.MeasureAsync(() => null, () => AggregateAsync(localChat, generated, cancellationToken)));
            Console.Error.WriteLine($"runners: CPU per token, 1 stream: {oneRunnerCpu} through a runner, {oneLocalCpu} in process");
            Console.Error.WriteLine($"runners: CPU per token, 4 streams: {fourRunnerCpu} through a runner, {fourLocalCpu} in process");

            var texts = SentenceCorpus.Load().Take(options.Quick ? 128 : 256).ToArray();
            var runnerEmbed = await runners.GetEmbeddingGeneratorAsync(ModelsOptions.BuiltInEmbeddingModel, cancellationToken);
            var localEmbed = await inProcess.GetEmbeddingGeneratorAsync(ModelsOptions.BuiltInEmbeddingModel, cancellationToken);
            await EmbedAsync(runnerEmbed, texts[..32], cancellationToken);
            await EmbedAsync(localEmbed, texts[..32], cancellationToken);
            var (embedRunnerCpu, embedLocalCpu) = (new ProcessCpu(), new ProcessCpu());
            var (embedRunner, embedLocal) = await Measure.AlternatingAsync(options.Rounds,
                () => embedRunnerCpu.MeasureAsync(() => runnerEmbed.GetService<RunnerEmbeddingGenerator>()?.RunnerProcessId, () => EmbedAsync(runnerEmbed, texts, cancellationToken)),
                () => embedLocalCpu.MeasureAsync(() => null, () => EmbedAsync(localEmbed, texts, cancellationToken)));
            Console.Error.WriteLine($"runners: CPU per batch of 32: {embedRunnerCpu} through a runner, {embedLocalCpu} in process");

            // Time to first token apart from the rates, many short requests in alternating order: a few milliseconds of
            // overhead do not show in a median of 5 on this machine (it moved from -2.5 to 7.4 ms between runs).
            var (runnerFirst, localFirst) = (new List<double>(), new List<double>());
            await Measure.AlternatingAsync(TimeToFirstTokenRounds,
                async () => (await StreamAsync(runnerChat, 0, 4, runnerFirst, cancellationToken)).Rate,
                async () => (await StreamAsync(localChat, 0, 4, localFirst, cancellationToken)).Rate);
            var ttftRunner = Measure.Median(runnerFirst);
            var ttftLocal = Measure.Median(localFirst);
            Console.Error.WriteLine($"runners: time to first token {ttftRunner:0.00} ms through a runner, {ttftLocal:0.00} ms in process: overhead {ttftRunner - ttftLocal:0.00} ms (median of {runnerFirst.Count})");
            return
            [
                new BenchmarkResult($"generation, 1 stream ({generated} tokens)", "tokens/s", oneRunner, "in process (Runners off)", oneLocal, 0.95),
                new BenchmarkResult($"aggregate generation, 4 streams ({generated} tokens each)", "tokens/s", fourRunner, "in process (Runners off)", fourLocal, 0.95),
                // Time rows are given as rates (1/s) so that higher is better, like every row; the ms are on standard error.
                new BenchmarkResult("time to first token (1 / TTFT)", "1/s", 1000 / ttftRunner, "in process (Runners off)", 1000 / ttftLocal, null),
                new BenchmarkResult("MiniLM embeddings, batch 32", "texts/s", embedRunner, "in process (Runners off)", embedLocal, 0.95),
                new BenchmarkResult("cold start: spawn + load vs load (1 / time)", "1/s", 1000 / coldRunner, "in process (Runners off)", 1000 / coldInProcess, null),
            ];
        }
        finally
        {
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    private static ModelCatalog Catalog(ModelStore store, bool runnersOn) => new(
        store,
        new ModelsOptions { Runners = runnersOn, IdleSeconds = 3600, Llama = new LlamaOptions { ContextSize = 512, MaxParallelSequences = 4, Threads = 2 } },
        new TelemetryOptions(),
        []);

    // The first request of each catalog: a runner's includes starting the process and loading the model in it.
    private static async Task<(double RunnerMs, double InProcessMs)> ColdStartAsync(ModelCatalog runners, ModelCatalog inProcess, CancellationToken cancellationToken)
    {
        async Task<double> FirstAsync(ModelCatalog catalog)
        {
            var clock = Stopwatch.StartNew();
            var client = await catalog.GetChatClientAsync("bench", cancellationToken: cancellationToken);
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], Greedy(1), cancellationToken);
            return clock.Elapsed.TotalMilliseconds;
        }

        var local = await FirstAsync(inProcess);
        var runner = await FirstAsync(runners);
        Console.Error.WriteLine($"runners: cold start {runner:0} ms (spawn + load + first token) vs {local:0} ms in process (load + first token)");
        return (runner, local);
    }

    /// <summary>First-token samples per side.</summary>
    private const int TimeToFirstTokenRounds = 21;

    private static ChatOptions Greedy(int maxTokens) => new() { Temperature = 0, Seed = 1, MaxOutputTokens = maxTokens };

    // Generation tokens/s after the first token; the time to the first token is recorded apart.
    private static async Task<(double Rate, long Tokens)> StreamAsync(IChatClient client, int index, int maxTokens, List<double>? firstTokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var output = 0L;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"hello world the tiny model {index}")], Greedy(maxTokens), cancellationToken))
        {
            first ??= clock.Elapsed;
            output = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details.OutputTokenCount ?? output;
        }

        firstTokens?.Add(first!.Value.TotalMilliseconds);
        return ((output - 1) / (clock.Elapsed - first!.Value).TotalSeconds, output);
    }

    private static async Task<(double Rate, long Tokens)> AggregateAsync(IChatClient client, int maxTokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, $"hello world the tiny model {i}")], Greedy(maxTokens), cancellationToken)));
        var tokens = responses.Sum(response => response.Usage!.OutputTokenCount!.Value);
        return (tokens / clock.Elapsed.TotalSeconds, tokens);
    }

    // The rate is texts/s; the units counted for CPU time are batches of 32.
    private static async Task<(double Rate, long Batches)> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string[] texts, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var batches = 0;
        foreach (var batch in texts.Chunk(32))
        {
            await generator.GenerateAsync(batch, cancellationToken: cancellationToken);
            batches++;
        }

        return (texts.Length / clock.Elapsed.TotalSeconds, batches);
    }
}
