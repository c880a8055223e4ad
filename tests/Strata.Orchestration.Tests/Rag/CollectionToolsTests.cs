using Microsoft.Extensions.AI;
using Strata.Orchestration.Rag;
using Strata.Orchestration.Tools;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>Collections as tools for the tiny GGUF: reading tools run, data-changing tools wait for approval.</summary>
public sealed class CollectionToolsTests(DebianCorpusFixture corpus) : IClassFixture<DebianCorpusFixture>
{
    private async Task<(IChatClient Chat, IList<AITool> Tools)> ToolChatAsync() =>
        (ToolChat.Create(await corpus.Catalog.GetChatClientAsync("tiny")), CollectionTools.For(corpus.Collection, new Retriever(corpus.Catalog)).ToList());

    private static ChatOptions Require(string tool, IList<AITool> tools) => new()
    {
        Temperature = 0,
        Seed = 9,
        MaxOutputTokens = 300,
        Tools = tools,
        ToolMode = ChatToolMode.RequireSpecific(tool),
    };

    [Fact]
    public async Task A_reading_tool_runs_and_its_passages_reach_the_conversation()
    {
        var (chat, tools) = await ToolChatAsync();

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "How do I use sudo?")], Require("search_documents", tools));

        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Take(1));
        Assert.Contains("source", result.Result?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Empty(ToolChat.ApprovalRequests(response));
    }

    [Fact]
    public async Task A_tool_that_changes_data_runs_only_after_approval()
    {
        var (chat, tools) = await ToolChatAsync();
        var before = await corpus.Collection.CountAsync();
        List<ChatMessage> messages = [new(ChatRole.User, "Remove the sudo chapter.")];

        var asked = await chat.GetResponseAsync(messages, Require("delete_source", tools));

        var request = Assert.Single(ToolChat.ApprovalRequests(asked));
        Assert.DoesNotContain(asked.Messages.SelectMany(m => m.Contents), c => c is FunctionResultContent);
        Assert.Equal(before, await corpus.Collection.CountAsync());

        messages.AddRange(asked.Messages);
        messages.Add(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]));
        var approved = await chat.GetResponseAsync(messages, Require("delete_source", tools));

        Assert.Contains(approved.Messages.SelectMany(m => m.Contents), c => c is FunctionResultContent);
    }
}
