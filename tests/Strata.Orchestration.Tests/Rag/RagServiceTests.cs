using Microsoft.Extensions.AI;
using Strata.Data.Search;
using Strata.Models.Llama;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;
using Strata.TestSupport.AI;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>
/// What RagService does around the model, with a callback-driven fake in the model's place: prompts, citations, the
/// extractive fallback, the context-window retry. The real-model tests (RagOnDebianCorpusTests) stay; these take
/// milliseconds.
/// </summary>
public sealed class RagServiceTests
{
    private static readonly FixedHitsCollection Manual = new(
        FixedHitsCollection.Chunk("a", "/srv/uploads/sudo.md", 0, "sudo runs a command as root after asking for your own password."),
        FixedHitsCollection.Chunk("b", "/srv/uploads/manual.pdf", 3, "Members of the sudo group may use sudo.", page: 12),
        FixedHitsCollection.Chunk("c", "/srv/uploads/apt.md", 1, "apt installs packages."));

    private static RagService Rag(TestChatClient client, List<string>? models = null) => new(
        new Retriever((model, _) => throw new InvalidOperationException($"BM25 retrieval embeds nothing, yet {model} was asked for.")),
        (model, _) =>
        {
            models?.Add(model);
            return Task.FromResult<IChatClient>(client);
        },
        new PromptTemplates());

    private static RagOptions Bm25(string? model = "fake") => new() { ChatModel = model, Mode = RetrievalMode.Bm25, K = 3 };

    [Fact]
    public async Task The_prompt_numbers_each_passage_with_its_source_and_page_and_ends_with_the_question()
    {
        var client = TestChatClient.Answering("Use sudo [1].");
        var models = new List<string>();

        await Rag(client, models).AskAsync(Manual, "How do I become root?", Bm25() with { MaxAnswerTokens = 77, Temperature = 0.1f });

        var call = Assert.Single(client.Calls);
        Assert.Equal(["fake"], models);
        Assert.Equal(ChatRole.User, Assert.Single(call.Messages).Role);
        Assert.Contains("[1] /srv/uploads/sudo.md\nsudo runs a command as root", call.Prompt, StringComparison.Ordinal);
        Assert.Contains("[2] /srv/uploads/manual.pdf, page 12\n", call.Prompt, StringComparison.Ordinal);
        Assert.Contains("[3] /srv/uploads/apt.md\n", call.Prompt, StringComparison.Ordinal);
        Assert.EndsWith("Question: How do I become root?\nAnswer:", call.Prompt.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal((77, 0.1f), (call.Options!.MaxOutputTokens, call.Options.Temperature));
    }

    [Fact]
    public async Task A_source_name_mapping_reaches_the_prompt_and_the_citations()
    {
        var client = TestChatClient.Answering("See [2].");

        var answer = await Rag(client).AskAsync(Manual, "Who may use sudo?", Bm25() with { SourceName = Path.GetFileName });

        Assert.Contains("[2] manual.pdf, page 12", client.Calls[0].Prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/uploads", client.Calls[0].Prompt, StringComparison.Ordinal);
        Assert.Equal("manual.pdf", Assert.Single(answer.Citations).Passage.Source);
    }

    [Fact]
    public async Task Citations_map_to_their_passages_and_made_up_numbers_are_removed_from_the_answer()
    {
        var answer = await Rag(TestChatClient.Answering("Ask for your password [1], be in the group [2, 9] and trust [7].")).AskAsync(Manual, "sudo?", Bm25());

        Assert.False(answer.Extractive);
        Assert.Equal("Ask for your password [1], be in the group [2] and trust.", answer.Answer);
        Assert.Equal([1, 2], answer.Citations.Select(c => c.Number));
        Assert.Equal("/srv/uploads/manual.pdf", answer.Citations[1].Passage.Source);
        Assert.Equal(12, answer.Citations[1].Passage.PageNumber);
        Assert.Equal([9, 7], answer.RemovedCitations);
        Assert.Equal(3, answer.Passages.Count);
    }

    [Fact]
    public async Task Without_a_chat_model_the_answer_quotes_every_passage_and_no_model_is_asked_for()
    {
        var client = new TestChatClient();
        var models = new List<string>();

        var answer = await Rag(client, models).AskAsync(Manual, "sudo?", Bm25(model: null));

        Assert.True(answer.Extractive);
        Assert.Empty(models);
        Assert.Empty(client.Calls);
        Assert.StartsWith("No chat model is configured", answer.Answer, StringComparison.Ordinal);
        Assert.Contains("[2] Members of the sudo group may use sudo.\n(/srv/uploads/manual.pdf, page 12)", answer.Answer, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], answer.Citations.Select(c => c.Number));
        Assert.Empty(answer.RemovedCitations);
    }

    [Fact]
    public async Task The_streamed_text_arrives_piece_by_piece_and_the_last_update_carries_the_checked_answer()
    {
        var client = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Pieces("sudo ", "asks [1]", " or [5]") };

        var updates = new List<RagUpdate>();
        await foreach (var update in Rag(client).AskStreamingAsync(Manual, "sudo?", Bm25()))
        {
            updates.Add(update);
        }

        Assert.Equal(["sudo ", "asks [1]", " or [5]", ""], updates.Select(u => u.Text));
        Assert.All(updates.SkipLast(1), u => Assert.Null(u.Final));
        var final = updates[^1].Final!;
        Assert.Equal("sudo asks [1] or", final.Answer);
        Assert.Equal([5], final.RemovedCitations);
    }

    [Fact]
    public async Task A_prompt_too_long_for_the_model_is_retried_without_its_lowest_ranked_passages()
    {
        var client = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, _, _) => messages.Single().Text.Contains("[2]", StringComparison.Ordinal)
                ? Throwing(new ContextWindowExceededException(5000, 512, 4096))
                : Pieces("Only one passage fits [1]."),
        };

        var answer = await Rag(client).AskAsync(Manual, "sudo?", Bm25());

        Assert.Equal(3, client.Calls.Count);
        Assert.Contains("[3]", client.Calls[0].Prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("[3]", client.Calls[1].Prompt, StringComparison.Ordinal);
        Assert.Single(answer.Passages);
        Assert.Equal("Only one passage fits [1].", answer.Answer);
    }

    [Fact]
    public async Task A_prompt_that_does_not_fit_even_with_one_passage_fails_with_the_models_error()
    {
        var client = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Throwing(new ContextWindowExceededException(9000, 512, 4096)) };

        await Assert.ThrowsAsync<ContextWindowExceededException>(() => Rag(client).AskAsync(Manual, "sudo?", Bm25()));
        Assert.Equal(3, client.Calls.Count);
    }

    [Fact]
    public async Task Passages_beyond_the_context_budget_are_left_out_but_the_first_always_stays()
    {
        var client = TestChatClient.Answering("[1]");
        var long1 = new FixedHitsCollection(
            FixedHitsCollection.Chunk("a", "a.md", 0, new string('a', 900)),
            FixedHitsCollection.Chunk("b", "b.md", 0, new string('b', 900)));

        var answer = await Rag(client).AskAsync(long1, "q", Bm25() with { ContextTokens = 100 });

        Assert.Equal(["a.md"], answer.Passages.Select(p => p.Source));
        Assert.DoesNotContain("b.md", client.Calls[0].Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_answer_from_the_model_is_an_empty_answer_with_no_citations()
    {
        var client = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Pieces() };

        var answer = await Rag(client).AskAsync(Manual, "sudo?", Bm25());

        Assert.Equal("", answer.Answer);
        Assert.Empty(answer.Citations);
        Assert.False(answer.Extractive);
    }

#pragma warning disable CS1998 // Async iterators without awaits: the fake's stream is already in memory.
    private static async IAsyncEnumerable<ChatResponseUpdate> Pieces(params string[] texts)
    {
        foreach (var text in texts)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Throwing(Exception exception)
    {
        throw exception;
#pragma warning disable CS0162 // An iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998
}
