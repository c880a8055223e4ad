using Strata.Monitoring.Runs;
using Strata.Orchestration.Evaluation;

namespace Strata.Cli.Commands;

/// <summary>Records one retrieval evaluation as a finished run, so scores can be compared over time in <c>strata runs</c> and the Runs page.</summary>
internal static class RetrievalRunLog
{
    /// <summary>The project retrieval evaluations are grouped under.</summary>
    public const string Project = "retrieval";

    /// <summary>Starts, fills and finishes a run; returns its id. Metric names are <c>MODE/METRIC</c>, logged at step 0.</summary>
    public static string Log(RunStore store, string collection, string questionFile, int questions, long chunks, IReadOnlyList<RetrievalScores> scores)
    {
        using var run = store.Start(new RunStartOptions
        {
            Project = Project,
            Name = $"{collection} · {Path.GetFileName(questionFile)}",
            Config = new { collection, questionFile = Path.GetFullPath(questionFile), questions, chunks, k = scores.Count > 0 ? scores[0].K : 0 },
            Tags = ["eval", "retrieval"],
        });
        foreach (var s in scores)
        {
            var mode = s.Mode.ToString().ToLowerInvariant();
            run.Log(new Dictionary<string, double>
            {
                [$"{mode}/recall@1"] = s.RecallAt1,
                [$"{mode}/recall@{s.K}"] = s.RecallAtK,
                [$"{mode}/mrr"] = s.Mrr,
                [$"{mode}/ndcg@10"] = s.NdcgAt10,
            }, step: 0);
        }

        run.Finish();
        return run.Id;
    }
}
