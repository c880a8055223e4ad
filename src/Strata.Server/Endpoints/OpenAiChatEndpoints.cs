using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Models.Catalog;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>, answered as OpenAI's clients expect, streamed or whole.</summary>
public static class OpenAiChatEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapOpenAiChatEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/chat/completions", CompleteAsync).WithName("CreateChatCompletion");
        return routes;
    }

    private static async Task CompleteAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = ChatCompletionRequestReader.Read(body.RootElement, limits);
        using var turn = await admission.EnterAsync(request.Model, context.RequestAborted);

        // Tool calls go back to the API client, which runs them; the server never executes tools on its behalf.
        var client = await catalog.GetChatClientAsync(request.Model, invokeFunctions: false, context.RequestAborted);
        if (!request.Stream)
        {
            var response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(OpenAiResponses.ToChatCompletion(response, request.Model), context.RequestAborted);
            return;
        }

        await StreamAsync(context, client, request);
    }

    /// <summary>
    /// Server-sent events: a role chunk, one chunk per text update, tool calls, a finish chunk, an optional usage
    /// chunk, then <c>data: [DONE]</c>. A client that disconnects cancels <see cref="HttpContext.RequestAborted"/>,
    /// which stops generation.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, IChatClient client, ChatCompletionRequest request)
    {
        var id = OpenAiResponses.NewId();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = new ServerSentEvents(context.Response);
        var started = false;
        var tally = new StreamTally();
        try
        {
            await StreamUpdatesAsync();
        }
        catch (Exception e) when (started && !context.RequestAborted.IsCancellationRequested)
        {
            // Headers and tokens are out, so no status can change: the stream ends with an error event, as
            // OpenAI's streams do, instead of a connection cut without a word (a model's runner died, say).
            await WriteErrorEventAsync(context, events, e);
            return;
        }

        Task StreamUpdatesAsync() => ReadyUpdates.ForEachAsync(
            client.GetStreamingResponseAsync(request.Messages, request.Options, context.RequestAborted),
            async update =>
            {
                var wrote = false;
                if (!started)
                {
                    await events.WriteAsync(Chunk(id, created, request.Model, new ChatCompletionDelta(Role: "assistant", Content: "")), flush: false, context.RequestAborted);
                    started = wrote = true;
                }

                tally.Observe(update);
                if (update.Text is { Length: > 0 } text)
                {
                    await events.WriteAsync(Chunk(id, created, request.Model, new ChatCompletionDelta(Content: text)), flush: false, context.RequestAborted);
                    wrote = true;
                }

                return wrote;
            },
            () => events.FlushAsync(context.RequestAborted),
            context.RequestAborted);

        if (!started)
        {
            await events.WriteAsync(Chunk(id, created, request.Model, new ChatCompletionDelta(Role: "assistant", Content: "")), context.RequestAborted);
        }

        if (OpenAiResponses.ToToolCalls(tally.ToolCalls, withIndex: true) is { } calls)
        {
            await events.WriteAsync(Chunk(id, created, request.Model, new ChatCompletionDelta(ToolCalls: calls)), context.RequestAborted);
        }

        await events.WriteAsync(
            new ChatCompletionChunk(id, created, request.Model, [new ChatCompletionChunkChoice(0, new ChatCompletionDelta(), OpenAiResponses.FinishReason(tally.FinishReason))]),
            context.RequestAborted);
        if (request.IncludeUsage)
        {
            await events.WriteAsync(new ChatCompletionChunk(id, created, request.Model, [], OpenAiResponses.ToUsage(tally.Usage) ?? new CompletionUsage(0, 0, 0)), context.RequestAborted);
        }

        await events.WriteDoneAsync(context.RequestAborted);
    }

    private static async Task WriteErrorEventAsync(HttpContext context, ServerSentEvents events, Exception e)
    {
        var (status, type, code, param, message) = Security.ErrorResponseMiddleware.Describe(e);
        if (status >= 500)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenAiChatEndpoints)).StreamFailed(e, context.Request.Path.Value ?? "");
        }

        await events.WriteAsync(new OpenAiError(new OpenAiErrorBody(message, type, param, code)), context.RequestAborted);
    }

    private static ChatCompletionChunk Chunk(string id, long created, string model, ChatCompletionDelta delta) =>
        new(id, created, model, [new ChatCompletionChunkChoice(0, delta, null)]);
}
