using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Orchestration.Conversations;

namespace Strata.Orchestration.Tests.Conversations;

public sealed class ConversationTests : IDisposable
{
    private readonly TemporaryFolder home = new("strata-conversations-");

    public void Dispose() => home.Dispose();

    [Fact]
    public async Task The_reducer_keeps_system_messages_and_the_latest_turns_that_fit()
    {
        List<ChatMessage> history = [new(ChatRole.System, "Be brief.")];
        for (var i = 0; i < 20; i++)
        {
            history.Add(new ChatMessage(ChatRole.User, $"question {i} " + new string('x', 300)));
            history.Add(new ChatMessage(ChatRole.Assistant, $"answer {i} " + new string('y', 300)));
        }

        var reduced = (await new ContextBudgetReducer(budgetTokens: 600).ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(ChatRole.System, reduced[0].Role);
        Assert.InRange(reduced.Count, 3, 10);
        Assert.StartsWith("answer 19", reduced[^1].Text, StringComparison.Ordinal);
        Assert.True(reduced.Skip(1).Sum(m => m.Text.Length) / 3.0 <= 600);
    }

    [Fact]
    public async Task The_reducer_trims_by_the_counts_of_the_tokenizer_it_is_given()
    {
        // Text a length estimate undercounts: here every character is its own token, as a small model's babble can be.
        List<ChatMessage> history =
        [
            new(ChatRole.User, "hello"),
            new(ChatRole.Assistant, new string('z', 400)),
            new(ChatRole.User, "and again"),
        ];

        var byLength = (await new ContextBudgetReducer(budgetTokens: 300).ReduceAsync(history, CancellationToken.None)).ToList();
        var byTokens = (await new ContextBudgetReducer(300, (text, _) => Task.FromResult(text.Length))
            .ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(3, byLength.Count);
        Assert.Equal("and again", Assert.Single(byTokens).Text);
    }

    [Fact]
    public async Task The_reducer_never_keeps_a_tool_result_without_its_call()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.User, new string('q', 3000)),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["query"] = new string('z', 3000) })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "result")]),
            new(ChatRole.Assistant, "done"),
        ];

        var reduced = (await new ContextBudgetReducer(budgetTokens: 50).ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.DoesNotContain(reduced, m => m.Role == ChatRole.Tool && !reduced.Any(c => c.Contents.OfType<FunctionCallContent>().Any()));
        Assert.Equal("done", reduced[^1].Text);
    }

    [Fact]
    public void Sessions_survive_a_new_store_and_keep_tool_calls()
    {
        var paths = new StrataPaths(home.Path);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "hello"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["query"] = "sudo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "found")]),
            new(ChatRole.Assistant, "here you go"),
        ];
        new ConversationStore(paths).Save("work", history);

        var loaded = new ConversationStore(paths).Load("work");

        Assert.Equal(history.Select(m => m.Role), loaded.Select(m => m.Role));
        Assert.Equal("search", loaded[1].Contents.OfType<FunctionCallContent>().Single().Name);
        Assert.Equal("here you go", loaded[^1].Text);
        Assert.Equal(["work"], new ConversationStore(paths).List());
        Assert.Empty(new ConversationStore(paths).Load("never-saved"));
        Assert.Throws<ArgumentException>(() => new ConversationStore(paths).Load("../escape"));
    }
}
