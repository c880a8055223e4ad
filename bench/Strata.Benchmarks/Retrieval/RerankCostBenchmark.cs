using System.Diagnostics;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Embeddings;
using Strata.Models.Reranking;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// The cost per query of reranking k = 20 candidates with a GGUF reranker on llama.cpp's rank pooling, needing no
/// ingested collection: a random-weight BERT reranker of ms-marco-MiniLM-L-6-v2's shape over MiniLM's own WordPiece
/// vocabulary (<see cref="RandomBertRerankerGguf"/>), written into a temporary home and deleted afterwards. Rows: the
/// reranker in a runner against the same reranker in process (what the runner costs), and in process against ONNX
/// Runtime running MiniLM-L6 over the same (query, passage) pairs (what the HybridSearchBenchmark's reranking row
/// times, the ONNX cross-encoder's cost up to its one-logit head).
/// </summary>
/// <remarks>
/// Queries are the questions of docs/python-library-qa.jsonl; each query's 20 passages are runs of six other questions
/// (about 100 words, 120 to 150 tokens a pair): the cost follows the tokens, not what they say.
/// </remarks>
internal sealed class RerankCostBenchmark : IBenchmark
{
    private const int Candidates = 20;
    private const int QuestionsPerPassage = 6;

    public string Name => "rerank";

    public string Description => "reranking 20 candidates per query with a GGUF reranker (MiniLM-L6 shape, random weights): in a runner vs in process, and llama.cpp vs ONNX Runtime on the same pairs";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-rerank-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(home);
            var store = new ModelStore(new StrataPaths(home));
            var minilm = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken);
            var vocabulary = await File.ReadAllLinesAsync(store.PathOf(minilm.Files.Single(f => f.Path == "vocab.txt")), cancellationToken);
            var file = Path.Combine(home, "reranker.gguf");
            RandomBertRerankerGguf.Write(file, vocabulary);
            await new ModelImporter(store).ImportAsync(file, "bench-rerank", cancellationToken: cancellationToken);
            File.Delete(file);

            var questions = HybridSearchBenchmark.Questions(169);
            var queries = questions.Take(options.Quick ? 10 : 30).ToList();
            var passages = queries.Select((_, q) => Enumerable.Range(0, Candidates)
                .Select(c => string.Join(' ', Enumerable.Range(0, QuestionsPerPassage).Select(i => questions[((q * Candidates) + c + (i * 17) + 1) % questions.Count])))
                .ToArray()).ToList();

            await using var runners = new ModelCatalog(store, new ModelsOptions { Runners = true, IdleSeconds = 3600 }, new TelemetryOptions(), []);
            using var catalog = new RerankerCatalog(store, runners);
            var inRunner = catalog.Get("bench-rerank");
            using var inProcess = LlamaReranker.FromManifest(store.Get("bench-rerank"), store);
            using var onnx = OnnxEmbeddingGenerator.FromManifest(minilm, store);

            async Task<double> RerankAsync(IReranker reranker)
            {
                var started = Stopwatch.GetTimestamp();
                for (var q = 0; q < queries.Count; q++)
                {
                    await reranker.RerankAsync(queries[q], passages[q], 10, cancellationToken);
                }

                return queries.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            async Task<double> OnnxPairsAsync()
            {
                var started = Stopwatch.GetTimestamp();
                for (var q = 0; q < queries.Count; q++)
                {
                    await onnx.GenerateAsync([.. passages[q].Select(p => queries[q] + " " + p)], cancellationToken: cancellationToken);
                }

                return queries.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            // Warm every path (JIT, the runner's first batch, ONNX Runtime's graph) outside the rounds.
            await RerankAsync(inRunner);
            await RerankAsync(inProcess);
            await OnnxPairsAsync();
            var pairTokens = passages[0].Average(p => inProcess.CountPairTokens(queries[0], p));
            var (runner, local) = await Measure.AlternatingAsync(options.Rounds, () => RerankAsync(inRunner), () => RerankAsync(inProcess));
            var (llama, onnxRate) = await Measure.AlternatingAsync(options.Rounds, () => RerankAsync(inProcess), OnnxPairsAsync);
            Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"rerank: {Candidates} pairs of about {pairTokens:0} tokens per query: {1000 / runner:0} ms in a runner, {1000 / local:0} ms in process (llama.cpp), {1000 / onnxRate:0} ms for ONNX Runtime's MiniLM-L6 over the same pairs"));
            var workload = $"{queries.Count} queries × {Candidates} candidates (~{pairTokens:0} tokens a pair), MiniLM-L6-shaped GGUF reranker";
            return
            [
                new BenchmarkResult($"rerank in a runner, {workload}", "queries/s", runner, "the same reranker in process", local, 0.9),
                new BenchmarkResult($"rerank in process (llama.cpp rank pooling), {workload}", "queries/s", llama, "ONNX Runtime MiniLM-L6, same pairs", onnxRate, null),
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
}
