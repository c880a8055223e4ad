using System.Diagnostics;
using Microsoft.ML.Tokenizers;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Benchmarks.Embeddings;

/// <summary>
/// Sentences per second of <see cref="OnnxEmbeddingGenerator"/> on the built-in MiniLM against a bare ONNX Runtime
/// session with the same model and tokenizer, on equal-length input (the generator's overhead) and on mixed-length
/// input (where grouping by length saves padding).
/// </summary>
internal sealed class EmbeddingThroughputBenchmark : IBenchmark
{
    private const int MaxTokens = 256;

    public string Name => "embeddings";

    public string Description => "MiniLM sentence embeddings: Strata's ONNX generator vs a bare ONNX Runtime session, batch 32";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        // A private store, so the benchmark neither needs nor changes the user's STRATA_HOME.
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-embeddings-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new ModelStore(new StrataPaths(home));
            var manifest = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken);
            var graph = store.PathOf(manifest.Files.Single(f => f.Path == "model.onnx"));
            var vocab = store.PathOf(manifest.Files.Single(f => f.Path == "vocab.txt"));
            using var strata = OnnxEmbeddingGenerator.FromManifest(manifest, store, new OnnxEmbeddingOptions { MaxBatchSize = 32 });
            using var peer = new NaiveOnnxEmbedder(graph, vocab, MaxTokens);

            var count = options.Quick ? 128 : 512;
            var (equal, tokens) = EqualLengthWorkload(SentenceCorpus.Load(), vocab, count);
            var mixed = SentenceCorpus.Load().Take(count).ToArray();

            // Warm both sides once so neither pays for first-call allocation and graph preparation inside a round.
            await strata.GenerateAsync(equal.Take(32), cancellationToken: cancellationToken);
            peer.Embed(equal.Take(32).ToArray());

            var results = new List<BenchmarkResult>();
            foreach (var (workload, inputs, target) in new[]
            {
                ($"equal length ({tokens} word pieces), {count} sentences", equal, (double?)0.95),
                ($"mixed length (licence sentences), {mixed.Length} sentences", mixed, (double?)1.0),
            })
            {
                var (strataRate, peerRate) = await Measure.AlternatingAsync(
                    options.Rounds,
                    async () =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        await strata.GenerateAsync(inputs, cancellationToken: cancellationToken);
                        return inputs.Length / Stopwatch.GetElapsedTime(started).TotalSeconds;
                    },
                    () =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        peer.Embed(inputs);
                        return Task.FromResult(inputs.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
                    });
                results.Add(new BenchmarkResult(workload, "sentences/s", strataRate, "bare ONNX Runtime", peerRate, target));
            }

            return results;
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Real sentences that all have the same word-piece count: the most common count between 20 and 48, with the
    /// sentences repeated in order when there are fewer than <paramref name="count"/>.
    /// </summary>
    private static (string[] Sentences, int Tokens) EqualLengthWorkload(IReadOnlyList<string> corpus, string vocabPath, int count)
    {
        using var vocab = File.OpenRead(vocabPath);
        var tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
        var byLength = corpus.GroupBy(sentence => tokenizer.EncodeToIds(sentence).Count)
            .Where(group => group.Key is >= 20 and <= 48)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.Key)
            .First();
        var sentences = byLength.ToArray();
        return (Enumerable.Range(0, count).Select(i => sentences[i % sentences.Length]).ToArray(), byLength.Key);
    }
}
