using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Core.Options;
using Strata.Orchestration.Rag;
using Strata.Server.Knowledge;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary>
/// <c>POST /api/collections/{name}/ask</c>: a RAG answer with citations (extractive when no chat model is named or
/// configured). With <c>stream: true</c> the answer arrives as server-sent <c>delta</c> events, then one
/// <c>citations</c> event carrying the checked answer, then <c>done</c>.
/// </summary>
public static class AskEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapAskEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/collections/{name}/ask", AskAsync).WithTags("Knowledge")
            .WithSummary("Answer a question from a collection with numbered citations (stream: true for server-sent events)")
            .Produces<AskResponse>().Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<OpenAiError>(StatusCodes.Status400BadRequest).Produces<OpenAiError>(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task AskAsync(
        HttpContext context, string name, AskRequest request, OpenCollections collections, RagService rag, ModelsOptions models,
        ModelAdmission admission, RequestLimits limits, TextEmbeddingCheck text)
    {
        var options = Options(request, models.DefaultChat, limits);
        var collection = await collections.GetAsync(name, context.RequestAborted);
        if (options.Mode != RetrievalMode.Bm25)
        {
            await text.EnsureAsync(collection, "question", context.RequestAborted);
        }

        using var turn = options.ChatModel is null ? null : await admission.EnterAsync(options.ChatModel, context.RequestAborted);
        var cancellationToken = context.RequestAborted;
        if (!request.Stream)
        {
            var answer = await rag.AskAsync(collection, request.Question, options, cancellationToken);
            await context.Response.WriteAsJsonAsync(View(name, answer), cancellationToken);
            return;
        }

        var events = new ServerSentEvents(context.Response);
        await foreach (var update in rag.AskStreamingAsync(collection, request.Question, options, cancellationToken))
        {
            if (update.Text.Length > 0)
            {
                await events.WriteAsync("delta", new { text = update.Text }, JsonSerializerOptions.Web, cancellationToken);
            }

            if (update.Final is { } final)
            {
                await events.WriteAsync("citations", View(name, final), JsonSerializerOptions.Web, cancellationToken);
            }
        }

        await events.WriteAsync("done", new { }, JsonSerializerOptions.Web, cancellationToken);
    }

    /// <summary>
    /// How <paramref name="request"/> is answered: its fields checked (a 400 naming the field at fault), the model it
    /// names or else <paramref name="defaultChatModel"/> (none: extractive), documents shown by name.
    /// </summary>
    /// <exception cref="OpenAiRequestException">A field is missing or out of range.</exception>
    internal static RagOptions Options(AskRequest request, string? defaultChatModel, RequestLimits limits)
    {
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            throw new OpenAiRequestException("'question' is required.", "question", "missing_required_parameter");
        }

        if (request.Question.Length > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"'question' is longer than {limits.MaxPromptCharacters} characters.", "question", "invalid_value");
        }

        var k = request.K ?? RagLimits.DefaultK;
        if (RagLimits.CheckK(k, "'k'") is { } problem)
        {
            throw new OpenAiRequestException(problem, "k", "invalid_value");
        }

        return new RagOptions
        {
            ChatModel = string.IsNullOrEmpty(request.Model) ? defaultChatModel : request.Model,
            Mode = KnowledgeRequests.Mode(request.Mode, RetrievalMode.Hybrid),
            K = k,
            SourceName = DocumentNames.Of,
        };
    }

    /// <summary>The answer as the API returns it: documents by name, each citation with a link to its chunk in the web UI.</summary>
    internal static AskResponse View(string collection, RagAnswer answer) => new(
        answer.Answer,
        answer.Extractive,
        answer.Citations.Select(c =>
        {
            var document = DocumentNames.Of(c.Passage.Source);
            return new CitationView(c.Number, document, c.Passage.PageNumber, c.Passage.ChunkIndex, c.Passage.Text,
                DocumentNames.Link(collection, document, c.Passage.ChunkIndex));
        }).ToList(),
        answer.RemovedCitations);
}
