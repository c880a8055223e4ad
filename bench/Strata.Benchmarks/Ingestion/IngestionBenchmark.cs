using System.Diagnostics;
using Strata.Data;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Benchmarks.Ingestion;

/// <summary>
/// Chunks per second of the whole <see cref="IngestionPipeline"/> (hash, extract, chunk, embed, store, ledger) on
/// Debian's reference manual, chapters 1–9, against embedding alone of the same chunk texts with the same MiniLM
/// generator: what the pipeline costs on top of the embedding it cannot avoid.
/// </summary>
internal sealed class IngestionBenchmark : IBenchmark
{
    private const string Folder = "/usr/share/debian-reference";

    /// <summary>The chunking <c>strata ingest</c> uses by default.</summary>
    private static ChunkingOptions Chunking => new() { MaxTokens = 254, OverlapTokens = 32 };

    public string Name => "ingestion";

    public string Description => "ingest Debian reference ch01–ch09: full IngestionPipeline vs MiniLM embedding of the same chunks alone";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var files = Enumerable.Range(1, 9).Select(n => Path.Combine(Folder, $"ch{n:00}.en.html")).Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No Debian reference chapters in {Folder}: install the debian-reference-en package (scripts/install-test-deps.sh).");
        }

        // A private store, so the benchmark neither needs nor changes the user's STRATA_HOME.
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-ingestion-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = new StrataPaths(home);
            var store = new ModelStore(paths);
            var manifest = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken);
            // The generator the model catalog gives `strata ingest` (default options), shared by both sides.
            using var embedder = OnnxEmbeddingGenerator.FromManifest(manifest, store);
            var loader = new DocumentLoader();
            var chunker = new RecursiveChunker(new MiniLmTokenCounter(), Chunking);

            // The peer's input, prepared before any timing: the chunk texts the pipeline embeds, in the same order.
            var texts = files.SelectMany(file =>
            {
                var loaded = loader.LoadFile(file);
                return loaded.IsSuccess ? chunker.Chunk(loaded.Document!).Select(c => c.Text) : [];
            }).ToList();

            var database = new EmbeddedVectorDatabase(paths.Data);
            var dimension = (await embedder.GenerateAsync(["dimension probe"], cancellationToken: cancellationToken))[0].Vector.Length;
            var round = 0;

            async Task<double> PipelineAsync()
            {
                var name = $"round{round++}";
                using var collection = await database.CreateAsync(new CollectionSpec(name, dimension, EmbeddingModel: BuiltInEmbeddingModels.MiniLm), cancellationToken);
                using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, name));
                var pipeline = new IngestionPipeline(collection, ledger, embedder, loader, chunker);
                var started = Stopwatch.GetTimestamp();
                var report = await pipeline.IngestAsync(files, cancellationToken: cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (report.Failed.Count > 0 || report.Chunks != texts.Count)
                {
                    throw new InvalidOperationException($"The pipeline stored {report.Chunks} chunks of {texts.Count}, {report.Failed.Count} documents failed.");
                }

                return report.Chunks / elapsed;
            }

            async Task<double> EmbeddingAsync()
            {
                var started = Stopwatch.GetTimestamp();
                var vectors = await embedder.GenerateAsync(texts, cancellationToken: cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                return vectors.Count / elapsed;
            }

            // Warm both sides once (graph preparation, SQLite, JIT) on a small slice outside the rounds.
            await embedder.GenerateAsync(texts.Take(64), cancellationToken: cancellationToken);
            var (strataRate, peerRate) = await Measure.AlternatingAsync(options.Rounds, PipelineAsync, EmbeddingAsync);
            await ReportStepTimesAsync(PipelineAsync);
            return
            [
                new BenchmarkResult($"{files.Count} chapters, {texts.Count} chunks of ≤254 tokens", "chunks/s", strataRate, "MiniLM embedding alone", peerRate, 0.85),
            ];
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
    /// One more pipeline round with the data layer's spans recorded, printing where its time goes, so the overhead
    /// over embedding alone can be attributed to a step rather than guessed.
    /// </summary>
    private static async Task ReportStepTimesAsync(Func<Task<double>> pipeline)
    {
        var totals = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DataTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => totals.AddOrUpdate(activity.OperationName, activity.Duration.TotalSeconds, (_, total) => total + activity.Duration.TotalSeconds),
        };
        ActivitySource.AddActivityListener(listener);
        var started = Stopwatch.GetTimestamp();
        await pipeline();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var steps = totals.Where(t => t.Key.StartsWith("ingest.", StringComparison.Ordinal)).OrderByDescending(t => t.Value).ToList();
        var other = elapsed - steps.Sum(t => t.Value);
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"pipeline round of {elapsed:0.00} s by step: {string.Join(", ", steps.Select(t => $"{t.Key[7..]} {t.Value:0.00} s ({t.Value / elapsed:P0})"))}, other {other:0.00} s ({other / elapsed:P0})"));
    }
}
