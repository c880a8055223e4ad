using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's <c>POST /api/chat</c> and <c>POST /api/generate</c>, whole or as NDJSON lines, over the same model
/// pipeline, admission queue and limits as OpenAI's and Anthropic's routes.
/// </summary>
public static class OllamaChatEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOllamaChatEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/chat", (HttpContext context, ModelCatalog catalog, ModelStore store, RequestLimits limits, ModelAdmission admission) =>
            AnswerAsync(context, catalog, store, limits, admission, chat: true)).WithTags("Ollama").WithName("OllamaChat");
        routes.MapPost("/api/generate", (HttpContext context, ModelCatalog catalog, ModelStore store, RequestLimits limits, ModelAdmission admission) =>
            AnswerAsync(context, catalog, store, limits, admission, chat: false)).WithTags("Ollama").WithName("OllamaGenerate");
        return routes;
    }

    private static async Task AnswerAsync(HttpContext context, ModelCatalog catalog, ModelStore store, RequestLimits limits, ModelAdmission admission, bool chat)
    {
        var clock = Stopwatch.StartNew();
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = chat ? OllamaChatReader.ReadChat(body.RootElement, limits) : OllamaChatReader.ReadGenerate(body.RootElement, limits);
        var reference = OllamaNames.Resolve(request.Model, store);
        using var turn = await admission.EnterAsync(reference, context.RequestAborted);
        var client = await catalog.GetChatClientAsync(reference, invokeFunctions: false, context.RequestAborted);
        var answer = new OllamaAnswer(request.Model, chat, clock);
        // keep_alive applies from the end of this request: the model's runner (or in-process weights) then waits this long.
        var kept = catalog.KeepAlive(reference, request.KeepAlive);
        if (request.Messages.Count == 0 || (!chat && request.Messages[^1].Text.Length == 0))
        {
            // Ollama's way to load a model (an empty prompt or no messages, done_reason "load"), or with keep_alive 0 to
            // unload it ("unload"): a loaded model goes as soon as no request uses it.
            await OllamaJson.WriteAsync(context, request.KeepAlive == TimeSpan.Zero && kept ? answer.Unloaded() : answer.Loaded());
            return;
        }

        if (!request.Stream)
        {
            var response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
            await OllamaJson.WriteAsync(context, answer.Whole(response));
            return;
        }

        var lines = new NdjsonWriter(context.Response);
        var tally = new StreamTally();
        await ReadyUpdates.ForEachAsync(
            client.GetStreamingResponseAsync(request.Messages, request.Options, context.RequestAborted),
            async update =>
            {
                tally.Observe(update);
                if (update.Text is not { Length: > 0 } text)
                {
                    return false;
                }

                lines.Write((answer, text), static (json, line) => line.answer.WriteDelta(json, line.text));
                return true;
            },
            () => lines.FlushAsync(context.RequestAborted),
            context.RequestAborted);

        if (tally.ToolCalls.Count > 0)
        {
            await lines.WriteAsync(answer.Calls(tally.ToolCalls), flush: false, context.RequestAborted);
        }

        await lines.WriteAsync(answer.Done(tally.FinishReason, tally.Usage), flush: true, context.RequestAborted);
    }
}
