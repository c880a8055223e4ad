using System.Diagnostics;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Models.TestSupport;

namespace Strata.Benchmarks.Llama;

/// <summary>
/// Strata's <see cref="LlamaChatClient"/> against a bare LLamaSharp <see cref="BatchedExecutor"/> on the same random
/// GGUF model and prompt (prompt and generation tokens/s), and 4 concurrent streams against 1 on Strata's client
/// (aggregate generation tokens/s, which batching should raise well above one stream).
/// </summary>
internal sealed class LlamaChatBenchmark : IBenchmark
{
    private const int Threads = 2;
    private const int BatchSize = 512;

    public string Name => "llama";

    public string Description => "LlamaChatClient vs bare LLamaSharp BatchedExecutor; 4 concurrent streams vs 1";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"strata-bench-llama-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var modelPath = Path.Combine(folder, "bench.gguf");
            TinyLlamaGguf.Write(modelPath, options.Quick
                ? new TinyLlamaOptions { EmbeddingLength = 512, HeadCount = 8, KeyValueHeadCount = 8, BlockCount = 6, FeedForwardLength = 1536, ContextLength = 2048 }
                : new TinyLlamaOptions { EmbeddingLength = 768, HeadCount = 12, KeyValueHeadCount = 12, BlockCount = 8, FeedForwardLength = 2048, ContextLength = 2048 });
            var generated = options.Quick ? 96 : 192;
            var userText = string.Join(' ', Enumerable.Repeat("hello world the tiny model is a llama", options.Quick ? 40 : 60));

            // Single-stream comparisons use the configuration a one-user deployment would pick (one sequence), like the peer;
            // the concurrency comparison uses a client configured for four.
            using var client = LlamaChatClient.FromFile(modelPath, new LlamaChatClientOptions
            {
                ContextSize = 2048, BatchSize = BatchSize, Threads = Threads, MaxParallelSequences = 1, IdleUnloadTime = TimeSpan.FromHours(1),
            });
            using var parallelClient = LlamaChatClient.FromFile(modelPath, new LlamaChatClientOptions
            {
                ContextSize = 1024, BatchSize = BatchSize, Threads = Threads, MaxParallelSequences = 4, IdleUnloadTime = TimeSpan.FromHours(1),
            });
            using var peer = BarePeer.Load(modelPath, contextSize: 2048);

            // Warm both sides (weights paged in, kernels and JIT ready) before measuring.
            await StrataRunAsync(client, userText, 8, cancellationToken);
            await peer.RunAsync(ChatMl(userText), 8);

            var promptTokens = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, userText)], Greedy(1), cancellationToken)).Usage!.InputTokenCount;
            var prompt = new List<double>();
            var generation = new List<double>();
            var peerPrompt = new List<double>();
            var peerGeneration = new List<double>();
            await Measure.AlternatingAsync(options.Rounds,
                async () =>
                {
                    var run = await StrataRunAsync(client, userText, generated, cancellationToken);
                    prompt.Add(run.PromptRate);
                    generation.Add(run.GenerationRate);
                    return run.GenerationRate;
                },
                async () =>
                {
                    var run = await peer.RunAsync(ChatMl(userText), generated);
                    peerPrompt.Add(run.PromptRate);
                    peerGeneration.Add(run.GenerationRate);
                    return run.GenerationRate;
                });

            // The same single stream on the client sized for four: what a shared, unified KV cache costs one user.
            await StrataRunAsync(parallelClient, userText, 8, cancellationToken);
            var (sharedOne, peerOne) = await Measure.AlternatingAsync(options.Rounds,
                async () => (await StrataRunAsync(parallelClient, userText, generated, cancellationToken)).GenerationRate,
                async () => (await peer.RunAsync(ChatMl(userText), generated)).GenerationRate);

            var shortText = "hello world the tiny model";
            await AggregateRateAsync(parallelClient, shortText, streams: 4, 8, cancellationToken);
            var (four, one) = await Measure.AlternatingAsync(options.Rounds,
                () => AggregateRateAsync(parallelClient, shortText, streams: 4, generated, cancellationToken),
                () => AggregateRateAsync(parallelClient, shortText, streams: 1, generated, cancellationToken));

            return
            [
                new BenchmarkResult($"prompt processing (chat, {promptTokens}-token prompt)", "tokens/s", Measure.Median(prompt), "LLamaSharp BatchedExecutor", Measure.Median(peerPrompt), 0.95),
                new BenchmarkResult($"generation (greedy, {generated} tokens)", "tokens/s", Measure.Median(generation), "LLamaSharp BatchedExecutor", Measure.Median(peerGeneration), 0.95),
                new BenchmarkResult($"generation, 1 stream on a 4-sequence client", "tokens/s", sharedOne, "LLamaSharp BatchedExecutor", peerOne, null),
                new BenchmarkResult($"aggregate generation, 4 streams vs 1 ({generated} tokens each)", "tokens/s", four, "Strata, 1 stream", one, 1.5),
            ];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // What llama.cpp's ChatML template renders for one user message, so both sides decode the same tokens.
    private static string ChatMl(string user) => $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n";

    private static ChatOptions Greedy(int maxTokens) => new() { Temperature = 0, Seed = 1, MaxOutputTokens = maxTokens };

    private static async Task<(double PromptRate, double GenerationRate)> StrataRunAsync(IChatClient client, string userText, int maxTokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        UsageDetails? usage = null;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, userText)], Greedy(maxTokens), cancellationToken))
        {
            firstToken ??= clock.Elapsed;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        var end = clock.Elapsed;
        var first = firstToken ?? end;
        return ((double)usage!.InputTokenCount!.Value / first.TotalSeconds, (usage.OutputTokenCount!.Value - 1) / (end - first).TotalSeconds);
    }

    private static async Task<double> AggregateRateAsync(IChatClient client, string userText, int streams, int maxTokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, streams).Select(i =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, $"{userText} {i}")], Greedy(maxTokens), cancellationToken)));
        return responses.Sum(response => response.Usage!.OutputTokenCount!.Value) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The peer: LLamaSharp's own batched executor, one conversation, greedy sampling, nothing else.</summary>
    private sealed class BarePeer(LLamaWeights weights, ModelParams parameters) : IDisposable
    {
        public static BarePeer Load(string path, int contextSize)
        {
            var parameters = new ModelParams(path)
            {
                ContextSize = (uint)contextSize, BatchSize = BatchSize, UBatchSize = BatchSize, Threads = Threads, BatchThreads = Threads, GpuLayerCount = 0,
            };
            return new BarePeer(LLamaWeights.LoadFromFile(parameters), parameters);
        }

        public async Task<(double PromptRate, double GenerationRate)> RunAsync(string prompt, int maxTokens)
        {
            using var executor = new BatchedExecutor(weights, parameters);
            var clock = Stopwatch.StartNew();
            var tokens = executor.Context.Tokenize(prompt, addBos: true, special: true);
            using var conversation = executor.Create();
            using var sampler = new DefaultSamplingPipeline { Temperature = 0, Seed = 1 };
            conversation.Prompt(tokens);
            var generated = 0;
            var first = TimeSpan.Zero;
            while (generated < maxTokens)
            {
                if (await executor.Infer() != DecodeResult.Ok)
                {
                    throw new InvalidOperationException("decode failed");
                }

                var token = conversation.Sample(sampler);
                if (generated++ == 0)
                {
                    first = clock.Elapsed;
                }

                if (token.IsEndOfGeneration(weights.NativeHandle))
                {
                    break;
                }

                conversation.Prompt(token);
            }

            var end = clock.Elapsed;
            return (tokens.Length / first.TotalSeconds, (generated - 1) / (end - first).TotalSeconds);
        }

        public void Dispose() => weights.Dispose();
    }
}
