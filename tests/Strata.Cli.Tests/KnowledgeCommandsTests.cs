using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>
/// <c>ingest</c>, <c>documents list</c>, <c>ask</c> and <c>eval retrieval</c> through the real program, on chapters of
/// Debian's reference manual (installed by scripts/install-test-deps.sh) copied into a temporary folder.
/// </summary>
public sealed class KnowledgeCommandsTests
{
    private const string DebianReference = "/usr/share/debian-reference";

    /// <summary>The three smallest of the chapters the RAG tests use, so the whole flow stays short.</summary>
    private static readonly string[] Chapters = ["ch03", "ch04", "ch08"];

    [Fact]
    public async Task Ingest_list_reingest_ask_and_evaluate_a_folder_of_debian_reference_chapters()
    {
        using var strata = new StrataProcess();
        var folder = Path.Combine(strata.Home, "corpus");
        Directory.CreateDirectory(folder);
        foreach (var chapter in Chapters)
        {
            File.Copy(Path.Combine(DebianReference, chapter + ".en.html"), Path.Combine(folder, chapter + ".en.html"));
        }

        File.WriteAllText(Path.Combine(folder, "empty.txt"), "");
        File.WriteAllBytes(Path.Combine(folder, "binary.txt"), [0x00, 0x01, 0x02, 0xFF, 0x00, 0x10, 0x00, 0x7F]);
        string Copied(string chapter) => Path.Combine(folder, chapter + ".en.html");

        var first = await strata.RunAsync("ingest", folder, "-c", "manual");
        var list = await strata.RunAsync("documents", "list", "-c", "manual", "--json");
        var second = await strata.RunAsync("ingest", folder, "-c", "manual");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Matches(@"^3 added, 0 updated, 0 unchanged, 0 removed, 2 failed; [1-9]\d* chunks stored in 'manual'\.", first.Stdout);
        Assert.Contains($"failed: {Path.Combine(folder, "empty.txt")}: ", first.Stdout, StringComparison.Ordinal);
        Assert.Contains($"failed: {Path.Combine(folder, "binary.txt")}: ", first.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, list.ExitCode);
        using (var documents = JsonDocument.Parse(list.Stdout))
        {
            var states = documents.RootElement.EnumerateArray().ToDictionary(d => Path.GetFileName(d.GetProperty("source").GetString()!));
            Assert.Equal(["binary.txt", "ch03.en.html", "ch04.en.html", "ch08.en.html", "empty.txt"], states.Keys.Order(StringComparer.Ordinal));
            foreach (var chapter in Chapters)
            {
                var document = states[chapter + ".en.html"];
                Assert.Equal("ready", document.GetProperty("state").GetString());
                Assert.True(document.GetProperty("chunks").GetInt32() > 0);
            }

            foreach (var bad in new[] { "empty.txt", "binary.txt" })
            {
                Assert.Equal("failed", states[bad].GetProperty("state").GetString());
                Assert.False(string.IsNullOrWhiteSpace(states[bad].GetProperty("reason").GetString()), $"{bad} has no reason");
            }

            Assert.Contains("binary", states["binary.txt"].GetProperty("reason").GetString()!, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("empty", states["empty.txt"].GetProperty("reason").GetString()!, StringComparison.OrdinalIgnoreCase);
        }

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.StartsWith("0 added, 0 updated, 5 unchanged, 0 removed, ", second.Stdout, StringComparison.Ordinal);

        var ask = await strata.RunAsync("ask", "-c", "manual", "--json", "How does sudo give a normal user root privileges?");

        Assert.True(ask.ExitCode == 0, ask.Stderr);
        using (var answer = JsonDocument.Parse(ask.Stdout))
        {
            var root = answer.RootElement;
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("answer").GetString()));
            Assert.True(root.GetProperty("extractive").GetBoolean());
            var citations = root.GetProperty("citations").EnumerateArray().ToList();
            Assert.NotEmpty(citations);
            var ingested = Chapters.Select(Copied).ToHashSet(StringComparer.Ordinal);
            foreach (var citation in citations)
            {
                Assert.True(citation.GetProperty("n").GetInt32() >= 1);
                Assert.Contains(citation.GetProperty("source").GetString()!, ingested);
                // Every citation has "page": null for page-less documents (HTML here), a page number for PDFs.
                Assert.Equal(JsonValueKind.Null, citation.GetProperty("page").ValueKind);

                Assert.False(string.IsNullOrWhiteSpace(citation.GetProperty("text").GetString()));
            }

            Assert.Contains(citations, c => c.GetProperty("source").GetString() == Copied("ch04"));
        }

        var qa = Path.Combine(strata.Home, "qa.jsonl");
        File.WriteAllLines(qa,
        [
            Question("How does systemd start services during the boot process?", Copied("ch03")),
            Question("How does sudo give a normal user root privileges?", Copied("ch04")),
            Question("How do I change a user's password?", Copied("ch04")),
            Question("How do I set the locale and input method for another language?", Copied("ch08")),
            // A chapter that was never ingested: the question is left out, not scored as a miss.
            Question("How do I build a Debian package?", Copied("ch99")),
        ]);

        var eval = await strata.RunAsync("eval", "retrieval", "-c", "manual", "--qa", qa, "--json", "--per-question");

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var scores = JsonDocument.Parse(eval.Stdout);
        Assert.Equal(4, scores.RootElement.GetProperty("questions").GetInt32());
        Assert.Equal(1, scores.RootElement.GetProperty("skipped").GetInt32());
        var results = scores.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["dense", "bm25", "hybrid"], results.Select(r => r.GetProperty("mode").GetString()));
        foreach (var result in results)
        {
            foreach (var metric in new[] { "recall_at_1", "recall_at_k", "mrr", "ndcg_at_10" })
            {
                Assert.InRange(result.GetProperty(metric).GetDouble(), 0, 1);
            }

            Assert.Equal(5, result.GetProperty("k").GetInt32());
            // The per-question ranks are the ones the MRR averages: one per question, 1-based, null when never retrieved.
            var ranks = result.GetProperty("first_relevant_ranks").EnumerateArray()
                .Select(r => r.ValueKind == JsonValueKind.Null ? (int?)null : r.GetInt32()).ToList();
            Assert.Equal(4, ranks.Count);
            Assert.All(ranks, r => Assert.True(r is null or >= 1));
            Assert.Equal(result.GetProperty("mrr").GetDouble(), ranks.Average(r => r is null ? 0 : 1.0 / r.Value), 9);
            Assert.Equal(result.GetProperty("recall_at_1").GetDouble(), ranks.Average(r => r == 1 ? 1.0 : 0), 9);
        }

        // The scores are a tracked run: project 'retrieval', one metric per mode and measure.
        var runId = scores.RootElement.GetProperty("run").GetString()!;
        var run = await strata.RunAsync("runs", "show", runId, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"retrieval\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("hybrid/mrr", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("dense/recall@1", run.Stdout, StringComparison.Ordinal);
    }

    private static string Question(string question, string relevant) =>
        JsonSerializer.Serialize(new { question, relevant = new[] { relevant } });

    [Fact]
    public async Task Ingesting_a_url_is_off_until_enabled_and_then_still_refuses_loopback()
    {
        using var strata = new StrataProcess();
        // Nothing listens there, and nothing must try: both runs end before any connection.
        const string page = "http://localhost:9/manual.html";

        var disabled = await strata.RunAsync("ingest", page, "-c", "web");
        var enabled = await strata.RunAsync("ingest", page, "-c", "web", "--allow-urls");

        Assert.True(disabled.ExitCode == 0, disabled.Stderr);
        Assert.StartsWith("0 added, 0 updated, 0 unchanged, 0 removed, 1 failed;", disabled.Stdout, StringComparison.Ordinal);
        Assert.Contains($"failed: {page}: URLs are off: pass --allow-urls", disabled.Stdout, StringComparison.Ordinal);
        Assert.True(enabled.ExitCode == 0, enabled.Stderr);
        Assert.Contains($"failed: {page}: refused {page}", enabled.Stdout, StringComparison.Ordinal);
        Assert.Contains("loopback", enabled.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_collection_forgets_its_documents_so_a_new_one_of_the_same_name_ingests_them_again()
    {
        using var strata = new StrataProcess();
        var note = Path.Combine(strata.Home, "pellan.md");
        File.WriteAllText(note, "# Pellan\n\nThe lighthouse of Pellan was built in 1874 from granite quarried on the island.\n");
        // What the server keeps beside a collection it ingested uploads for: the drop must take it too.
        var uploads = Path.Combine(strata.Home, "uploads", "notes");
        Directory.CreateDirectory(uploads);
        File.WriteAllText(Path.Combine(uploads, "uploaded.md"), "An uploaded note.");

        var first = await strata.RunAsync("ingest", note, "-c", "notes");
        var drop = await strata.RunAsync("collections", "drop", "notes");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.StartsWith("1 added, 0 updated, 0 unchanged, 0 removed, 0 failed;", first.Stdout, StringComparison.Ordinal);
        Assert.True(drop.ExitCode == 0, drop.Stderr);
        Assert.Equal("dropped notes", drop.Stdout.Trim());
        Assert.Empty(Directory.GetFiles(Path.Combine(strata.Home, "ingest"), "notes.db*"));
        Assert.False(Directory.Exists(uploads), "the uploads outlived their collection");

        var create = await strata.RunAsync("collections", "create", "notes", "--dim", "384", "--model", "minilm");
        var listed = await strata.RunAsync("documents", "list", "-c", "notes", "--json");
        var again = await strata.RunAsync("ingest", note, "-c", "notes");
        var described = await strata.RunAsync("collections", "stats", "notes", "--json");

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        using (var documents = JsonDocument.Parse(listed.Stdout))
        {
            Assert.Empty(documents.RootElement.EnumerateArray());
        }

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.StartsWith("1 added, 0 updated, 0 unchanged, 0 removed, 0 failed;", again.Stdout, StringComparison.Ordinal);
        Assert.True(described.ExitCode == 0, described.Stderr);
        using var stats = JsonDocument.Parse(described.Stdout);
        Assert.True(stats.RootElement.GetProperty("count").GetInt64() > 0, described.Stdout);
    }
}
