using System.Diagnostics;
using System.Text.Json;
using Strata.Core;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Models.Embeddings;
using Strata.Models.Store;
using Strata.Orchestration.Rag;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// Hybrid queries per second on an ingested collection (query embedding included, k = 10): the current fusion
/// (weighted min-max scores with each record's document scored on both sides) against the fusion before page-level dense
/// scores (<see cref="SearchOptions.DocumentDenseShare"/> = 0, with that ranking's weights), same collection, same
/// questions; then the cost of reranking 20 candidates per query with a MiniLM-L6-sized cross-encoder.
/// </summary>
/// <remarks>
/// Ingesting the Python library reference takes many minutes on a small machine, so the benchmark reads a collection
/// ingested beforehand: <c>STRATA_BENCH_COLLECTION</c> (default <c>pylib</c>) under <c>STRATA_HOME</c>; the
/// questions are docs/python-library-qa.jsonl. No pretrained cross-encoder can be fetched here, so reranking is timed
/// on MiniLM-L6 itself reading the same 20 (query, passage) pairs: ms-marco-MiniLM-L-6-v2 is that encoder plus a
/// one-logit head, so the cost per pair is the same up to the head (and up to its 512-token limit; MiniLM cuts at 256).
/// </remarks>
internal sealed class HybridSearchBenchmark : IBenchmark
{
    private const int K = 10;
    private const int RerankCandidates = 20;

    public string Name => "retrieval";

    public string Description => "hybrid search on an ingested collection: with page-level dense scores vs without (the ranking before), and reranking 20 candidates";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var paths = StrataPaths.FromEnvironment();
        var name = Environment.GetEnvironmentVariable("STRATA_BENCH_COLLECTION") is { Length: > 0 } configured ? configured : "pylib";
        var database = new EmbeddedVectorDatabase(paths.Data);
        if (!await database.ExistsAsync(name, cancellationToken))
        {
            throw new InvalidOperationException(
                $"No collection '{name}' in {paths.Data}: ingest the Python library reference first (docs/retrieval.md), e.g. " +
                $"strata ingest /usr/share/doc/python3.11/html/library/*.html -c {name}, or set STRATA_BENCH_COLLECTION.");
        }

        using var collection = await database.OpenAsync(name, cancellationToken);
        var store = new ModelStore(paths);
        using var embedder = OnnxEmbeddingGenerator.FromManifest(await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken), store);
        var questions = Questions(options.Quick ? 40 : 169);
        var weighted = new SearchOptions { K = K };
        // The ranking before page-level dense scores: document-level BM25 only, at its weights then.
        var before = weighted with { DenseWeight = 0.5, TextWeight = 0.5, DocumentTextShare = 0.75, DocumentDenseShare = 0 };

        async Task<double> HybridAsync(SearchOptions search, bool rerank)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var question in questions)
            {
                var vector = (await embedder.GenerateAsync([question], cancellationToken: cancellationToken))[0].Vector.ToArray();
                var hits = await collection.SearchHybridAsync(vector, question, rerank ? search with { K = RerankCandidates } : search, cancellationToken);
                if (rerank)
                {
                    // The cross-encoder's work: one encoder pass over each (query, passage) pair.
                    await embedder.GenerateAsync([.. hits.Select(h => question + " " + Retriever.PassageText(h))], cancellationToken: cancellationToken);
                }
            }

            return questions.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        // Warm both paths (graph preparation, SQLite pages, HNSW) outside the rounds.
        await HybridAsync(weighted, rerank: false);
        await HybridAsync(before, rerank: false);
        var workload = $"{questions.Count} questions, '{name}' ({await collection.CountAsync(cancellationToken: cancellationToken)} chunks), k = {K}";
        var (now, then) = await Measure.AlternatingAsync(options.Rounds, () => HybridAsync(weighted, false), () => HybridAsync(before, false));
        var (reranked, plain) = await Measure.AlternatingAsync(options.Rounds, () => HybridAsync(weighted, true), () => HybridAsync(weighted, false));
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"reranking {RerankCandidates} candidates costs {(1 / reranked - 1 / plain) * 1000:0} ms per query ({1000 / plain:0} ms without, {1000 / reranked:0} ms with)"));
        return
        [
            new BenchmarkResult($"hybrid, {workload}", "queries/s", now, "without page-level dense scores (before)", then, 0.9),
            new BenchmarkResult($"hybrid + rerank of {RerankCandidates} (MiniLM-L6 cross-encoder cost), {workload}", "queries/s", reranked, "hybrid without reranking", plain, null),
        ];
    }

    /// <summary>The questions of docs/python-library-qa.jsonl, found from the benchmark's folder upwards.</summary>
    internal static List<string> Questions(int count)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "python-library-qa.jsonl")))
        {
            folder = folder.Parent;
        }

        var file = folder is null ? throw new InvalidOperationException("docs/python-library-qa.jsonl not found above the benchmark's folder.")
            : Path.Combine(folder.FullName, "docs", "python-library-qa.jsonl");
        return [.. File.ReadLines(file).Where(l => l.Trim().Length > 0).Take(count).Select(QuestionOf)];
    }

    private static string QuestionOf(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("question").GetString()!;
    }
}
