using System.Text.Json;
using Strata.Data.Collections;
using Strata.Data.Ingestion;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Evaluation;

/// <summary>One evaluation question and the sources that answer it.</summary>
/// <param name="Question">The question.</param>
/// <param name="Relevant">Source paths of the documents that answer it.</param>
public sealed record RetrievalQuestion(string Question, IReadOnlyList<string> Relevant);

/// <summary>Retrieval quality of one mode: recall@1, recall@k, mean reciprocal rank and nDCG@10, over documents (not chunks).</summary>
/// <param name="Mode">The retrieval mode.</param>
/// <param name="RecallAt1">Share of questions whose first document is relevant.</param>
/// <param name="RecallAtK">Share of relevant documents found in the top k, averaged over questions.</param>
/// <param name="Mrr">Mean reciprocal rank of the first relevant document.</param>
/// <param name="NdcgAt10">Normalised discounted cumulative gain at 10.</param>
/// <param name="K">The k of recall@k.</param>
/// <param name="FirstRelevantRanks">Per question, in order: the 1-based rank of the first relevant document, or null when none was retrieved.</param>
public sealed record RetrievalScores(RetrievalMode Mode, double RecallAt1, double RecallAtK, double Mrr, double NdcgAt10, int K, IReadOnlyList<int?> FirstRelevantRanks);

/// <summary>Scores dense, BM25 and hybrid retrieval side by side on a question set.</summary>
public sealed class RetrievalEvaluator(Retriever retriever)
{
    /// <summary>Reads a question file: one <c>{"question":…,"relevant":[source paths]}</c> per line.</summary>
    public static IReadOnlyList<RetrievalQuestion> ReadJsonLines(string path)
    {
        var questions = new List<RetrievalQuestion>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var relevant = root.GetProperty("relevant").EnumerateArray().Select(r => r.GetString() ?? "").Where(r => r.Length > 0).ToList();
                questions.Add(new RetrievalQuestion(root.GetProperty("question").GetString() ?? "", relevant));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"Line {number} of {Path.GetFileName(path)} is not {{\"question\":…,\"relevant\":[…]}}: {e.Message}", e);
            }
        }

        return questions;
    }

    /// <summary>
    /// The questions that <paramref name="collection"/> can answer: each keeps the relevant sources the collection holds,
    /// and a question left with none is dropped, so one question file serves a corpus and any subset of it.
    /// </summary>
    public static async Task<IReadOnlyList<RetrievalQuestion>> AnswerableAsync(IVectorCollection collection, IReadOnlyList<RetrievalQuestion> questions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(questions);
        var held = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var source in questions.SelectMany(q => q.Relevant).Distinct(StringComparer.Ordinal))
        {
            held[source] = await collection.CountAsync(IngestionPipeline.SourceFilter(source), cancellationToken) > 0;
        }

        return [.. questions.Select(q => q with { Relevant = [.. q.Relevant.Where(source => held[source])] }).Where(q => q.Relevant.Count > 0)];
    }

    /// <summary>
    /// How many chunks each mode retrieves per question for a recall@<paramref name="k"/>: enough that ten distinct
    /// documents can appear, since one document has many chunks.
    /// </summary>
    public static int ChunksPerQuestion(int k) => Math.Max(k, 10) * 5;

    /// <summary>Scores each mode on <paramref name="questions"/>.</summary>
    public async Task<IReadOnlyList<RetrievalScores>> EvaluateAsync(
        IVectorCollection collection, IReadOnlyList<RetrievalQuestion> questions, int k = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var results = new List<RetrievalScores>();
        foreach (var mode in new[] { RetrievalMode.Dense, RetrievalMode.Bm25, RetrievalMode.Hybrid })
        {
            var rankings = new List<IReadOnlyList<string>>(questions.Count);
            foreach (var question in questions)
            {
                var hits = await retriever.SearchAsync(collection, question.Question, mode, ChunksPerQuestion(k), cancellationToken: cancellationToken);
                rankings.Add([.. Retriever.ToPassages(hits).Select(p => p.Source)]);
            }

            results.Add(Score(mode, questions, rankings, k));
        }

        return results;
    }

    /// <summary>
    /// Scores one mode from each question's retrieved chunks' sources, best first (duplicates allowed: they are reduced
    /// to distinct documents in rank order). Public so that a retrieval system outside Strata is scored the same way.
    /// </summary>
    /// <param name="mode">The mode the rankings came from.</param>
    /// <param name="questions">The questions.</param>
    /// <param name="rankedSources">Per question, in the same order: the sources of its retrieved chunks, best first.</param>
    /// <param name="k">The k of recall@k.</param>
    public static RetrievalScores Score(RetrievalMode mode, IReadOnlyList<RetrievalQuestion> questions, IReadOnlyList<IReadOnlyList<string>> rankedSources, int k)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(rankedSources);
        if (rankedSources.Count != questions.Count)
        {
            throw new ArgumentException($"{rankedSources.Count} rankings for {questions.Count} questions.", nameof(rankedSources));
        }

        double recall1 = 0, recall = 0, reciprocal = 0, ndcg = 0;
        var ranks = new List<int?>(questions.Count);
        for (var q = 0; q < questions.Count; q++)
        {
            var question = questions[q];
            var ranked = rankedSources[q].Distinct(StringComparer.Ordinal).ToList();
            var relevant = question.Relevant.ToHashSet(StringComparer.Ordinal);
            recall += relevant.Count == 0 ? 0 : (double)ranked.Take(k).Count(relevant.Contains) / relevant.Count;
            var first = ranked.FindIndex(relevant.Contains);
            reciprocal += first < 0 ? 0 : 1.0 / (first + 1);
            recall1 += first == 0 ? 1 : 0;
            ranks.Add(first < 0 ? null : first + 1);
            var dcg = ranked.Take(10).Select((source, i) => relevant.Contains(source) ? 1 / Math.Log2(i + 2) : 0).Sum();
            var ideal = Enumerable.Range(0, Math.Min(10, relevant.Count)).Sum(i => 1 / Math.Log2(i + 2));
            ndcg += ideal == 0 ? 0 : dcg / ideal;
        }

        var n = Math.Max(1, questions.Count);
        return new RetrievalScores(mode, recall1 / n, recall / n, reciprocal / n, ndcg / n, k, ranks);
    }
}
