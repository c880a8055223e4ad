using System.CommandLine;
using System.Globalization;
using Strata.Cli.Output;
using Strata.Monitoring.Runs;
using Strata.Orchestration.Evaluation;

namespace Strata.Cli.Commands;

/// <summary><c>strata eval retrieval -c NAME --qa FILE.jsonl</c>: dense, BM25 and hybrid retrieval scored side by side.</summary>
internal static class EvalRetrievalCommand
{
    public static Command Create()
    {
        var collection = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var qa = new Option<FileInfo>("--qa") { Description = "JSONL: {\"question\":…,\"relevant\":[source paths]} per line", Required = true };
        var k = new Option<int>("--k") { Description = "k of recall@k", DefaultValueFactory = _ => 5 };
        var perQuestion = new Option<bool>("--per-question") { Description = "Also list, per question, the rank of its first relevant document in each mode" };
        var noLog = new Option<bool>("--no-log") { Description = "Do not record the scores as a run (project 'retrieval')" };
        var json = CliOptions.Json();
        var command = new Command("retrieval", "Score dense, BM25 and hybrid retrieval: recall@1, recall@k, MRR and nDCG@10")
        {
            collection, qa, k, perQuestion, noLog, json,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var file = parse.GetRequiredValue(qa);
            if (!file.Exists)
            {
                throw new CliUsageException($"The question file '{file.FullName}' does not exist.");
            }

            using var target = await DataCommandSupport.Database(context).OpenAsync(parse.GetRequiredValue(collection), cancellationToken);
            var all = RetrievalEvaluator.ReadJsonLines(file.FullName);
            // One question file serves a corpus and its subsets: questions about documents not ingested are left out.
            var questions = await RetrievalEvaluator.AnswerableAsync(target, all, cancellationToken);
            if (questions.Count == 0)
            {
                throw new CliUsageException($"None of the documents that '{file.Name}' names is in the collection.");
            }

            var scores = await context.Get<RetrievalEvaluator>().EvaluateAsync(target, questions, Math.Clamp(parse.GetValue(k), 1, 100), cancellationToken);
            var runId = parse.GetValue(noLog) ? null
                : RetrievalRunLog.Log(context.Get<RunStore>(), target.Spec.Name, file.FullName, questions.Count, await target.CountAsync(cancellationToken: cancellationToken), scores);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new
                {
                    questions = questions.Count,
                    skipped = all.Count - questions.Count,
                    run = runId,
                    results = scores.Select(s => new
                    {
                        mode = s.Mode.ToString().ToLowerInvariant(), recall_at_1 = s.RecallAt1, recall_at_k = s.RecallAtK, mrr = s.Mrr, ndcg_at_10 = s.NdcgAt10, k = s.K,
                        first_relevant_ranks = parse.GetValue(perQuestion) ? s.FirstRelevantRanks : null,
                    }),
                });
            }

            var skippedNote = all.Count > questions.Count ? $" ({all.Count - questions.Count} skipped: their documents are not in the collection)" : "";
            Console.WriteLine($"{questions.Count} questions{skippedNote}");
            Console.WriteLine($"{"mode",-8} {"recall@1",9} {$"recall@{scores[0].K}",10} {"MRR",8} {"nDCG@10",8}");
            foreach (var s in scores)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Mode.ToString().ToLowerInvariant(),-8} {s.RecallAt1,9:0.000} {s.RecallAtK,10:0.000} {s.Mrr,8:0.000} {s.NdcgAt10,8:0.000}"));
            }

            if (runId is not null)
            {
                Console.WriteLine($"logged as run {runId} (strata runs show {runId})");
            }

            if (parse.GetValue(perQuestion))
            {
                WritePerQuestion(questions, scores);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>One line per question: the rank of its first relevant document in each mode ("-" when none was retrieved).</summary>
    private static void WritePerQuestion(IReadOnlyList<RetrievalQuestion> questions, IReadOnlyList<RetrievalScores> scores)
    {
        Console.WriteLine();
        Console.WriteLine($"{"#",3} {string.Join(" ", scores.Select(s => $"{s.Mode.ToString().ToLowerInvariant(),6}"))}  question");
        for (var i = 0; i < questions.Count; i++)
        {
            var ranks = string.Join(" ", scores.Select(s => $"{s.FirstRelevantRanks[i]?.ToString(CultureInfo.InvariantCulture) ?? "-",6}"));
            Console.WriteLine($"{i + 1,3} {ranks}  {questions[i].Question}");
        }
    }
}
