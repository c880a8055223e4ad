using System.Diagnostics;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Benchmarks.Runners;

/// <summary>
/// Decoding toward the physical limit: one token of a dense model reads every weight once, so on a CPU decode cannot
/// beat (memory bandwidth ÷ model bytes) tokens/s. A random-weight llama model of about 0.5 B weights in Q8_0 (the
/// densest type our GGUF writer stores) decodes through a runner, and the machine's bandwidth is measured in the same
/// run, in alternating rounds, with a large array copy in C# on as many threads as the decode uses (read + write bytes,
/// as STREAM's Copy counts them). The model file lives in a temporary Strata home and is deleted afterwards.
/// </summary>
internal static class DecodeVersusBandwidth
{
    // Large against any cache: two arrays of 256 MiB.
    private const int CopyBytes = 256 << 20;

    // 18 blocks of width 1536 (12 heads of 128) and feed-forward 4096: 18 × (4 × 1536² + 3 × 1536 × 4096) ≈ 0.51 B weights.
    private static readonly TinyLlamaOptions Model = new()
    {
        EmbeddingLength = 1536,
        HeadCount = 12,
        KeyValueHeadCount = 12,
        BlockCount = 18,
        FeedForwardLength = 4096,
        ContextLength = 1024,
        TensorType = GgmlType.Q8_0,
        RepeatBlockWeights = true,
    };

    public static async Task<BenchmarkResult> MeasureAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-limit-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(home);
            var store = new ModelStore(new StrataPaths(home));
            var file = Path.Combine(home, "half-billion.gguf");
            TinyLlamaGguf.Write(file, Model);
            var weights = GgufReader.Read(file).Tensors.Sum(tensor => tensor.ElementCount);
            await new ModelImporter(store).ImportAsync(file, "half-billion", cancellationToken: cancellationToken);
            File.Delete(file);
            var modelBytes = store.Get("half-billion").Size;
            var threads = Environment.ProcessorCount;

            await using var catalog = new ModelCatalog(
                store,
                new ModelsOptions { Runners = true, IdleSeconds = 3600, Llama = new LlamaOptions { ContextSize = 512, MaxParallelSequences = 1, Threads = threads } },
                new TelemetryOptions(),
                []);
            var chat = await catalog.GetChatClientAsync("half-billion", cancellationToken: cancellationToken);
            // The first request starts the runner and reads the file into the page cache; rounds then decode from memory.
            await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], Greedy(4), cancellationToken);

            var source = new byte[CopyBytes];
            var target = new byte[CopyBytes];
            Random.Shared.NextBytes(source);
            target.AsSpan().Fill(1);
            var tokens = options.Quick ? 24 : 64;
            var (decode, bandwidth) = await Measure.AlternatingAsync(options.Rounds,
                () => DecodeAsync(chat, tokens, cancellationToken),
                () => Task.FromResult(CopyBandwidth(source, target, threads)));

            var limit = bandwidth / modelBytes;
            Console.Error.WriteLine(FormattableString.Invariant(
                $"runners: {weights / 1e9:0.00} B weights in Q8_0, {modelBytes / 1e6:0} MB; copy bandwidth {bandwidth / 1e9:0.0} GB/s on {threads} threads -> limit {limit:0.0} tokens/s; decode {decode:0.0} tokens/s = {100 * decode / limit:0} % of the limit"));
            return new BenchmarkResult($"decode, {weights / 1e9:0.0} B Q8_0 model, {threads} threads", "tokens/s", decode, "bandwidth ÷ model bytes", limit, 0.6);
        }
        finally
        {
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    private static ChatOptions Greedy(int maxTokens) => new() { Temperature = 0, Seed = 1, MaxOutputTokens = maxTokens };

    // Tokens after the first over the time after it: the prompt's prefill is not decode.
    private static async Task<double> DecodeAsync(IChatClient chat, int tokens, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var output = 0L;
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello world the model")], Greedy(tokens), cancellationToken))
        {
            first ??= clock.Elapsed;
            output = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details.OutputTokenCount ?? output;
        }

        return (output - 1) / (clock.Elapsed - first!.Value).TotalSeconds;
    }

    // The fastest of three copies, in bytes moved per second (each byte read once and written once).
    private static double CopyBandwidth(byte[] source, byte[] target, int threads)
    {
        var best = double.MaxValue;
        var slice = source.Length / threads;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
            {
                var length = part == threads - 1 ? source.Length - (part * slice) : slice;
                source.AsSpan(part * slice, length).CopyTo(target.AsSpan(part * slice, length));
            });
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return 2.0 * source.Length / best;
    }
}
