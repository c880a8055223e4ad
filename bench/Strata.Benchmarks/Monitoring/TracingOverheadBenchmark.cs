using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Strata.Models.Catalog;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Monitoring.Telemetry;

namespace Strata.Benchmarks.Monitoring;

/// <summary>
/// What tracing costs a model call: the telemetry pipeline (OpenTelemetry middleware, with the SQLite trace store
/// listening) against the same client without it, on a MiniLM embedding call and a tiny-GGUF chat call.
/// </summary>
internal sealed class TracingOverheadBenchmark : IBenchmark
{
    public string Name => "tracing";

    public string Description => "model calls with OpenTelemetry + local trace store vs the same client untraced (MiniLM embedding, tiny GGUF chat)";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-tracing-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            var paths = new StrataPaths(home);
            var store = new TraceStore(paths.TracesDatabase);
            using var provider = StrataTelemetry.CreateTracerProvider(new Strata.Core.Options.TelemetryOptions(), store);
            var pipeline = new ModelPipelineOptions();

            using var embedder = await OnnxEmbeddingGenerator.FromStoreAsync(new ModelStore(paths), BuiltInEmbeddingModels.MiniLm, cancellationToken: cancellationToken);
            var tracedEmbedder = ModelPipeline.BuildEmbeddings(embedder, pipeline);
            string[] sentence = ["The quick brown fox jumps over the lazy dog near the river bank."];

            var modelPath = Path.Combine(home, "tiny.gguf");
            TinyLlamaGguf.Write(modelPath, new TinyLlamaOptions { ContextLength = 512 });
            using var chat = LlamaChatClient.FromFile(modelPath, new LlamaChatClientOptions
            {
                ContextSize = 512, Threads = 1, MaxParallelSequences = 1, IdleUnloadTime = TimeSpan.FromHours(1),
            });
            var tracedChat = ModelPipeline.BuildChat(chat, pipeline, invokeFunctions: false);
            List<ChatMessage> messages = [new(ChatRole.User, "hello world, tiny model")];
            var chatOptions = new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 16 };

            var embeddingCalls = options.Quick ? 150 : 400;
            var chatCalls = options.Quick ? 40 : 120;
            var rounds = Math.Max(options.Rounds, 3);
            var (tracedEmbedRate, bareEmbedRate) = await InterleavedAsync(rounds, embeddingCalls,
                () => tracedEmbedder.GenerateAsync(sentence, cancellationToken: cancellationToken),
                () => embedder.GenerateAsync(sentence, cancellationToken: cancellationToken));
            var (tracedChatRate, bareChatRate) = await InterleavedAsync(rounds, chatCalls,
                () => tracedChat.GetResponseAsync(messages, chatOptions, cancellationToken),
                () => chat.GetResponseAsync(messages, chatOptions, cancellationToken));

            // The middleware's own cost, measured where nothing else varies: a client that answers at once. Per-call
            // microseconds here, divided by a real call's time, is the overhead the noisy rows above cannot resolve.
            using var instant = new InstantChatClient();
            var tracedInstant = ModelPipeline.BuildChat(instant, pipeline, invokeFunctions: false);
            var instantCalls = options.Quick ? 20_000 : 100_000;
            var (tracedInstantRate, bareInstantRate) = await InterleavedBatchesAsync(rounds, instantCalls,
                () => tracedInstant.GetResponseAsync(messages, chatOptions, cancellationToken),
                () => instant.GetResponseAsync(messages, chatOptions, cancellationToken));
            var overheadMicroseconds = (1e6 / tracedInstantRate) - (1e6 / bareInstantRate);
            Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"tracing adds {overheadMicroseconds:0.0} µs a call: {100 * overheadMicroseconds / (1e6 / bareChatRate):0.00}% of a tiny-GGUF chat call, {100 * overheadMicroseconds / (1e6 / bareEmbedRate):0.00}% of a MiniLM call"));

            return
            [
                new($"embedding call (MiniLM, 1 sentence) x{embeddingCalls}, traced", "calls/s", tracedEmbedRate, "same generator untraced", bareEmbedRate, 0.98),
                new($"chat call (tiny GGUF, 16 tokens) x{chatCalls}, traced", "calls/s", tracedChatRate, "same client untraced", bareChatRate, 0.98),
                new($"telemetry middleware alone (instant client) x{instantCalls}", "calls/s", tracedInstantRate, "instant client untraced", bareInstantRate, null),
            ];
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// Alternates traced and untraced calls one by one, so load changes on a shared machine hit both sides equally, and
    /// rates each side by its median call time per round (robust to the odd call preempted by another process);
    /// medians over rounds. Each side is warmed first.
    /// </summary>
    private static async Task<(double Traced, double Bare)> InterleavedAsync(int rounds, int calls, Func<Task> traced, Func<Task> bare)
    {
        for (var i = 0; i < 5; i++)
        {
            await traced();
            await bare();
        }

        var tracedRates = new List<double>();
        var bareRates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var tracedTimes = new List<double>(calls);
            var bareTimes = new List<double>(calls);
            for (var call = 0; call < calls; call++)
            {
                // Swap which side goes first each call so neither always follows the other's cache effects.
                var tracedFirst = call % 2 == 0;
                if (tracedFirst)
                {
                    tracedTimes.Add((await TimeAsync(traced)).TotalSeconds);
                }

                bareTimes.Add((await TimeAsync(bare)).TotalSeconds);
                if (!tracedFirst)
                {
                    tracedTimes.Add((await TimeAsync(traced)).TotalSeconds);
                }
            }

            tracedRates.Add(1 / Measure.Median(tracedTimes));
            bareRates.Add(1 / Measure.Median(bareTimes));
        }

        return (Measure.Median(tracedRates), Measure.Median(bareRates));
    }

    /// <summary>Times batches of <paramref name="calls"/> calls per side, alternating sides per round (calls too short to time one by one).</summary>
    private static async Task<(double Traced, double Bare)> InterleavedBatchesAsync(int rounds, int calls, Func<Task> traced, Func<Task> bare)
    {
        async Task<double> RateAsync(Func<Task> call)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                await call();
            }

            return calls / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        await RateAsync(traced);
        await RateAsync(bare);
        return await Measure.AlternatingAsync(rounds * 3, () => RateAsync(traced), () => RateAsync(bare));
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started);
    }
}
