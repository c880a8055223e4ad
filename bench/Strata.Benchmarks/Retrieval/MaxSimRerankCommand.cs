using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Strata.Cli;
using Strata.Core;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Models.Embeddings;
using Strata.Models.Store;
using Strata.Orchestration.Evaluation;
using Strata.Orchestration.Rag;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// <c>bench/run.sh retrieval-maxsim -c NAME --qa FILE</c>: Strata's hybrid search on an ingested collection, scored as
/// <c>strata eval retrieval</c> scores it, against the same search with its first candidates reordered by
/// <see cref="MaxSimReranker"/> (late interaction over MiniLM's token embeddings), and the reranker's cost per query.
/// </summary>
internal static class MaxSimRerankCommand
{
    public static Command Create()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "An ingested collection (under STRATA_HOME)", Required = true };
        var qa = new Option<FileInfo>("--qa") { Description = "JSONL: {\"question\":…,\"relevant\":[source paths]} per line", Required = true };
        var candidates = new Option<int>("--candidates") { Description = "How many of hybrid's first chunks are reranked", DefaultValueFactory = _ => 20 };
        var perQuestion = new Option<bool>("--per-question") { Description = "Also list the questions whose rank changed" };
        var command = new Command("retrieval-maxsim", "Hybrid search vs hybrid + MaxSim reranking of its first candidates, scored as strata eval retrieval")
        {
            collectionName, qa, candidates, perQuestion,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            const int K = 5;
            var paths = StrataPaths.FromEnvironment();
            var database = new EmbeddedVectorDatabase(paths.Data);
            using var collection = await database.OpenAsync(parse.GetRequiredValue(collectionName), cancellationToken);
            var store = new ModelStore(paths);
            using var embedder = OnnxEmbeddingGenerator.FromManifest(await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken), store);
            using var reranker = new MaxSimReranker(embedder);
            var retriever = new Retriever((_, _) => Task.FromResult<IEmbeddingGenerator<string, Embedding<float>>>(embedder));
            var questions = await RetrievalEvaluator.AnswerableAsync(collection, RetrievalEvaluator.ReadJsonLines(parse.GetRequiredValue(qa).FullName), cancellationToken);
            var depth = Math.Clamp(parse.GetValue(candidates), 1, 50);

            var plain = new List<IReadOnlyList<string>>();
            var reranked = new List<IReadOnlyList<string>>();
            var searchTime = TimeSpan.Zero;
            var rerankTime = TimeSpan.Zero;
            foreach (var question in questions)
            {
                var started = Stopwatch.GetTimestamp();
                var hits = await retriever.SearchAsync(collection, question.Question, RetrievalMode.Hybrid, RetrievalEvaluator.ChunksPerQuestion(K), cancellationToken: cancellationToken);
                searchTime += Stopwatch.GetElapsedTime(started);
                started = Stopwatch.GetTimestamp();
                var head = await Retriever.RerankAsync(reranker, question.Question, [.. hits.Take(depth)], depth, cancellationToken);
                rerankTime += Stopwatch.GetElapsedTime(started);
                plain.Add(Sources(hits));
                reranked.Add([.. Sources(head), .. Sources([.. hits.Skip(depth)])]);
            }

            var before = RetrievalEvaluator.Score(RetrievalMode.Hybrid, questions, plain, K);
            var after = RetrievalEvaluator.Score(RetrievalMode.Hybrid, questions, reranked, K);
            var n = Math.Max(1, questions.Count);
            Console.WriteLine($"{questions.Count} questions, '{collection.Spec.Name}' ({await collection.CountAsync(cancellationToken: cancellationToken)} chunks), MaxSim over hybrid's first {depth}");
            Console.WriteLine($"{"",-22} {"recall@1",9} {$"recall@{K}",10} {"MRR",8} {"nDCG@10",8} {"ms/query",9}");
            foreach (var (name, s, ms) in new[] { ("hybrid", before, searchTime.TotalMilliseconds / n), ($"hybrid + MaxSim {depth}", after, (searchTime + rerankTime).TotalMilliseconds / n) })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22} {s.RecallAt1,9:0.000} {s.RecallAtK,10:0.000} {s.Mrr,8:0.000} {s.NdcgAt10,8:0.000} {ms,9:0}"));
            }

            if (parse.GetValue(perQuestion))
            {
                Console.WriteLine();
                Console.WriteLine($"{"#",3} {"hybrid",6} {"maxsim",6}  question");
                for (var i = 0; i < questions.Count; i++)
                {
                    if (before.FirstRelevantRanks[i] != after.FirstRelevantRanks[i])
                    {
                        Console.WriteLine($"{i + 1,3} {Rank(before.FirstRelevantRanks[i]),6} {Rank(after.FirstRelevantRanks[i]),6}  {questions[i].Question}");
                    }
                }
            }

            return 0;
        }));
        return command;
    }

    private static List<string> Sources(IReadOnlyList<SearchHit> hits) => [.. Retriever.ToPassages(hits).Select(p => p.Source)];

    private static string Rank(int? rank) => rank?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
