using System.CommandLine;
using System.Globalization;
using Strata.Cli;
using Strata.Cli.Output;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;
using Strata.Orchestration.Evaluation;
using Strata.Orchestration.Rag;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// <c>bench/run.sh retrieval-baseline --qa FILE PAGE.html…</c>: the issue's naive retrieval baseline, scored exactly as
/// <c>strata eval retrieval</c> scores Strata (<see cref="RetrievalEvaluator.Score"/>, the same question file, the same
/// number of retrieved chunks per question), so the two tables compare row by row.
/// </summary>
/// <remarks>
/// The baseline: each page's body text (<see cref="NaiveCorpus"/>) in 200-word windows, the same MiniLM model embedding
/// each window (cut at the model's 256 word pieces, as sentence-transformers cuts it), exact cosine, SQLite FTS5 with the
/// porter stemmer, and reciprocal rank fusion with k = 60 of the two lists' top 50. Window embeddings are cached under
/// <c>STRATA_HOME/bench/retrieval-baseline</c>, so only the first run over a page embeds it.
/// </remarks>
internal static class NaiveBaselineCommand
{
    public static Command Create()
    {
        var pages = new Argument<string[]>("pages") { Description = "The HTML pages (the files strata ingest would read)", Arity = ArgumentArity.OneOrMore };
        var qa = new Option<FileInfo>("--qa") { Description = "JSONL: {\"question\":…,\"relevant\":[source paths]} per line", Required = true };
        var k = new Option<int>("--k") { Description = "k of recall@k", DefaultValueFactory = _ => 5 };
        var words = new Option<int>("--words") { Description = "Words per window", DefaultValueFactory = _ => 200 };
        var perQuestion = new Option<bool>("--per-question") { Description = "Also list, per question, the rank of its first relevant page in each mode" };
        var json = CliOptions.Json();
        var command = new Command("retrieval-baseline", "The naive retrieval baseline (200-word windows, MiniLM, FTS5 porter, RRF k = 60), scored as strata eval retrieval")
        {
            pages, qa, k, words, perQuestion, json,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var recallK = Math.Clamp(parse.GetValue(k), 1, 100);
            var files = parse.GetRequiredValue(pages).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
            var all = RetrievalEvaluator.ReadJsonLines(parse.GetRequiredValue(qa).FullName);
            var held = files.ToHashSet(StringComparer.Ordinal);
            // As strata eval retrieval does: a question keeps the relevant pages the corpus holds, and is left out when none.
            var questions = all.Select(q => q with { Relevant = [.. q.Relevant.Where(held.Contains)] }).Where(q => q.Relevant.Count > 0).ToList();

            var windows = NaiveCorpus.Read(files, Math.Max(1, parse.GetValue(words)));
            var paths = StrataPaths.FromEnvironment();
            var store = new ModelStore(paths);
            using var embedder = OnnxEmbeddingGenerator.FromManifest(await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken), store);
            var cache = new EmbeddingCache(Path.Combine(paths.Home, "bench", "retrieval-baseline", $"{BuiltInEmbeddingModels.MiniLm}.f32"), embedder.Dimensions);
            Console.Error.WriteLine($"{files.Count} pages, {windows.Count} windows; {cache.Count} embeddings cached");
            var vectors = await cache.GetAsync([.. windows.Select(w => w.Text)], embedder, 256,
                (done, total) => Console.Error.WriteLine($"embedded {done} of {total} windows"), cancellationToken);

            using var index = new NaiveIndex([.. windows.Select(w => w.Text)], vectors);
            var depth = RetrievalEvaluator.ChunksPerQuestion(recallK);
            var dense = new List<IReadOnlyList<string>>();
            var bm25 = new List<IReadOnlyList<string>>();
            var hybrid = new List<IReadOnlyList<string>>();
            foreach (var question in questions)
            {
                var query = (await embedder.GenerateAsync([question.Question], cancellationToken: cancellationToken))[0].Vector.ToArray();
                var denseHits = index.Dense(query, depth);
                var bm25Hits = index.Bm25(question.Question, depth);
                dense.Add([.. denseHits.Select(i => windows[i].Source)]);
                bm25.Add([.. bm25Hits.Select(i => windows[i].Source)]);
                hybrid.Add([.. NaiveIndex.Rrf(denseHits, bm25Hits, depth).Select(i => windows[i].Source)]);
            }

            IReadOnlyList<RetrievalScores> scores =
            [
                RetrievalEvaluator.Score(RetrievalMode.Dense, questions, dense, recallK),
                RetrievalEvaluator.Score(RetrievalMode.Bm25, questions, bm25, recallK),
                RetrievalEvaluator.Score(RetrievalMode.Hybrid, questions, hybrid, recallK),
            ];
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new
                {
                    pages = files.Count,
                    windows = windows.Count,
                    questions = questions.Count,
                    skipped = all.Count - questions.Count,
                    results = scores.Select(s => new
                    {
                        mode = s.Mode.ToString().ToLowerInvariant(), recall_at_1 = s.RecallAt1, recall_at_k = s.RecallAtK, mrr = s.Mrr, ndcg_at_10 = s.NdcgAt10, k = s.K,
                        first_relevant_ranks = parse.GetValue(perQuestion) ? s.FirstRelevantRanks : null,
                    }),
                });
            }

            Console.WriteLine($"{questions.Count} questions ({all.Count - questions.Count} skipped: their pages are not in the corpus), {windows.Count} windows");
            Console.WriteLine($"{"mode",-8} {"recall@1",9} {$"recall@{recallK}",10} {"MRR",8} {"nDCG@10",8}");
            foreach (var s in scores)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Mode.ToString().ToLowerInvariant(),-8} {s.RecallAt1,9:0.000} {s.RecallAtK,10:0.000} {s.Mrr,8:0.000} {s.NdcgAt10,8:0.000}"));
            }

            if (parse.GetValue(perQuestion))
            {
                Console.WriteLine();
                Console.WriteLine($"{"#",3} {string.Join(" ", scores.Select(s => $"{s.Mode.ToString().ToLowerInvariant(),6}"))}  question");
                for (var i = 0; i < questions.Count; i++)
                {
                    var ranks = string.Join(" ", scores.Select(s => $"{s.FirstRelevantRanks[i]?.ToString(CultureInfo.InvariantCulture) ?? "-",6}"));
                    Console.WriteLine($"{i + 1,3} {ranks}  {questions[i].Question}");
                }
            }

            return 0;
        }));
        return command;
    }
}
