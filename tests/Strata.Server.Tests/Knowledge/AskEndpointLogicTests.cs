using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;
using Strata.Server.Endpoints;
using Strata.Server.Knowledge;
using Strata.Server.OpenAi;
using Strata.TestSupport;
using Strata.TestSupport.AI;

namespace Strata.Server.Tests.Knowledge;

/// <summary>
/// The ask endpoint's own logic (request checks, the options it answers with, the response it writes) over a real
/// collection, with a callback-driven fake in the model's place: no server, no model, milliseconds.
/// </summary>
public sealed class AskEndpointLogicTests : IAsyncLifetime
{
    private static readonly RequestLimits Limits = RequestLimits.From(new Strata.Core.Options.ServerOptions());

    private readonly TemporaryFolder folder = new("strata-ask-logic-");
    private IVectorCollection manuals = null!;

    public async Task InitializeAsync()
    {
        manuals = await new EmbeddedVectorDatabase(folder.Path).CreateAsync(new CollectionSpec("manuals", 2));
        await manuals.UpsertAsync(
        [
            Chunk("a", "uploads/manuals/1a2b/sudo guide.md", 0, "sudo asks for your own password before running a command as root."),
            Chunk("b", "uploads/manuals/3c4d/handbook.pdf", 4, "Members of the sudo group may use sudo.", page: 9),
        ]);
    }

    public Task DisposeAsync()
    {
        manuals.Dispose();
        folder.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("", null, "question", "missing_required_parameter")]
    [InlineData("sudo?", 0, "k", "invalid_value")]
    [InlineData("sudo?", 51, "k", "invalid_value")]
    public void A_request_out_of_range_is_refused_naming_its_field(string question, int? k, string field, string code)
    {
        var error = Assert.Throws<OpenAiRequestException>(() => AskEndpoints.Options(new AskRequest(question, K: k), null, Limits));

        Assert.Equal((field, code, 400), (error.Param, error.Code, error.StatusCode));
    }

    [Fact]
    public void The_k_range_is_the_one_the_cli_enforces()
    {
        Assert.Equal(RagLimits.MaxK, AskEndpoints.Options(new AskRequest("q", K: RagLimits.MaxK), null, Limits).K);
        var error = Assert.Throws<OpenAiRequestException>(() => AskEndpoints.Options(new AskRequest("q", K: RagLimits.MaxK + 1), null, Limits));
        Assert.Equal(RagLimits.CheckK(RagLimits.MaxK + 1, "'k'"), error.Message);
    }

    [Fact]
    public void The_configured_default_chat_model_answers_unless_the_request_names_one()
    {
        Assert.Equal("default", AskEndpoints.Options(new AskRequest("q"), "default", Limits).ChatModel);
        Assert.Equal("named", AskEndpoints.Options(new AskRequest("q", Model: "named"), "default", Limits).ChatModel);
        Assert.Null(AskEndpoints.Options(new AskRequest("q"), null, Limits).ChatModel);
    }

    [Fact]
    public async Task The_response_names_documents_not_server_paths_links_each_citation_and_drops_made_up_numbers()
    {
        var client = TestChatClient.Answering("Type your own password [1]; the group decides [2] [8].");
        var options = AskEndpoints.Options(new AskRequest("How does sudo decide?", Mode: "bm25", Model: "fake"), null, Limits);

        var response = AskEndpoints.View("manuals", await Rag(client).AskAsync(manuals, "How does sudo decide?", options));

        Assert.DoesNotContain("uploads/", client.Calls.Single().Prompt, StringComparison.Ordinal);
        Assert.Equal("Type your own password [1]; the group decides [2].", response.Answer);
        Assert.Equal([8], response.RemovedCitations);
        Assert.False(response.Extractive);
        var handbook = Assert.Single(response.Citations, c => c.Document == "handbook.pdf");
        Assert.Equal((9, 4), (handbook.Page, handbook.Chunk));
        Assert.Equal("/knowledge/document?collection=manuals&document=handbook.pdf#chunk-4", handbook.Link);
        Assert.Contains(response.Citations, c => c.Link == "/knowledge/document?collection=manuals&document=sudo%20guide.md#chunk-0");
    }

    [Fact]
    public async Task Without_a_model_the_response_is_extractive_and_cites_every_passage_by_document_name()
    {
        var client = new TestChatClient();
        var options = AskEndpoints.Options(new AskRequest("sudo", Mode: "bm25"), null, Limits);

        var response = AskEndpoints.View("manuals", await Rag(client).AskAsync(manuals, "sudo", options));

        Assert.True(response.Extractive);
        Assert.Empty(client.Calls);
        Assert.Equal(["handbook.pdf", "sudo guide.md"], response.Citations.Select(c => c.Document).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("uploads/", response.Answer, StringComparison.Ordinal);
    }

    private static RagService Rag(TestChatClient client) => new(
        new Retriever((model, _) => throw new InvalidOperationException($"BM25 embeds nothing, yet {model} was asked for.")),
        (_, _) => Task.FromResult<IChatClient>(client),
        new PromptTemplates());

    private static VectorRecord Chunk(string id, string source, int chunk, string text, int? page = null)
    {
        var metadata = new JsonObject { ["source"] = source, ["chunk"] = chunk };
        if (page is { } number)
        {
            metadata["page"] = number;
        }

        return new VectorRecord(id, [1, 0], text, metadata);
    }
}
