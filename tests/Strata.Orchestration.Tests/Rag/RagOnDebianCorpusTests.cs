using Strata.Orchestration.Evaluation;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Tests.Rag;

public sealed class RagOnDebianCorpusTests(DebianCorpusFixture corpus) : IClassFixture<DebianCorpusFixture>
{
    /// <summary>Questions written about the chapters' contents; each chapter answers its own.</summary>
    public static readonly RetrievalQuestion[] Questions =
    [
        new("Which basic shell commands list files and change the working directory?", [DebianCorpusFixture.PathOf("ch01")]),
        new("How do I search for a package with apt-cache or aptitude?", [DebianCorpusFixture.PathOf("ch02")]),
        new("How are packages upgraded with apt full-upgrade and the sources list?", [DebianCorpusFixture.PathOf("ch02")]),
        new("How does systemd start services during the boot process?", [DebianCorpusFixture.PathOf("ch03")]),
        new("How do I change a user's password and configure PAM authentication?", [DebianCorpusFixture.PathOf("ch04")]),
        new("How does sudo give a normal user root privileges?", [DebianCorpusFixture.PathOf("ch04")]),
        new("How do I configure a network interface and its IP address?", [DebianCorpusFixture.PathOf("ch05")]),
        new("How do I set up a mail transfer agent such as exim or postfix?", [DebianCorpusFixture.PathOf("ch06")]),
        new("How do I log in to a remote host with ssh?", [DebianCorpusFixture.PathOf("ch06")]),
        new("Which desktop environments and X Window System settings are there?", [DebianCorpusFixture.PathOf("ch07")]),
    ];

    [Fact]
    public async Task Hybrid_retrieval_does_not_score_below_the_better_of_dense_and_bm25()
    {
        var scores = (await new RetrievalEvaluator(corpus.Catalog).EvaluateAsync(corpus.Collection, Questions, k: 5)).ToDictionary(s => s.Mode);

        var dense = scores[RetrievalMode.Dense];
        var bm25 = scores[RetrievalMode.Bm25];
        var hybrid = scores[RetrievalMode.Hybrid];
        Assert.True(hybrid.RecallAtK >= Math.Max(dense.RecallAtK, bm25.RecallAtK), $"recall@5 hybrid {hybrid.RecallAtK:0.000}, dense {dense.RecallAtK:0.000}, bm25 {bm25.RecallAtK:0.000}");
        Assert.True(hybrid.Mrr > 0.5, $"hybrid MRR {hybrid.Mrr:0.000}");
    }

    [Fact]
    public async Task Without_a_chat_model_the_answer_is_extractive_and_cites_the_passages_it_quotes()
    {
        var rag = new RagService(corpus.Catalog, new PromptTemplates());

        var answer = await rag.AskAsync(corpus.Collection, "How does sudo give a normal user root privileges?", new RagOptions { K = 3 });

        Assert.True(answer.Extractive);
        Assert.StartsWith("No chat model is configured", answer.Answer, StringComparison.Ordinal);
        Assert.Equal(answer.Passages.Count, answer.Citations.Count);
        Assert.Contains(answer.Passages, p => p.Source == DebianCorpusFixture.PathOf("ch04"));
    }

    [Fact]
    public async Task Answers_through_the_tiny_gguf_carry_only_citations_that_exist_in_the_context()
    {
        var rag = new RagService(corpus.Catalog, new PromptTemplates());

        foreach (var question in Questions.Take(3))
        {
            var answer = await rag.AskAsync(corpus.Collection, question.Question, new RagOptions { ChatModel = "tiny", K = 4, MaxAnswerTokens = 48, ContextTokens = 1500 });

            Assert.False(answer.Extractive);
            Assert.All(answer.Citations, c => Assert.InRange(c.Number, 1, answer.Passages.Count));
            foreach (var removed in answer.RemovedCitations)
            {
                Assert.DoesNotContain($"[{removed}]", answer.Answer, StringComparison.Ordinal);
            }
        }
    }
}
