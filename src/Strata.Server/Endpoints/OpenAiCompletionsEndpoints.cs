using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Endpoints;

/// <summary>
/// <c>POST /v1/completions</c>, OpenAI's legacy text completion: the prompt is continued as written, without a chat
/// template. Several prompts are generated side by side (the model batches them); streamed, one after another.
/// </summary>
public static class OpenAiCompletionsEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapOpenAiCompletionsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/completions", CompleteAsync).WithName("CreateCompletion");
        return routes;
    }

    private static async Task CompleteAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = CompletionRequestReader.Read(body.RootElement, limits);
        using var turn = await admission.EnterAsync(request.Model, context.RequestAborted);
        var client = await catalog.GetChatClientAsync(request.Model, invokeFunctions: false, context.RequestAborted);
        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context, client, request, id, created);
            return;
        }

        var scored = await Task.WhenAll(request.Prompts.Select(prompt =>
            ScoredResponses.GetAsync(client, [new ChatMessage(ChatRole.User, prompt)], request.Options.Clone(), request.LogProbabilities is not null, context.RequestAborted)));
        var responses = scored.Select(s => s.Response).ToList();
        var choices = scored.Select((answer, index) => Choice(index, (request.Echo ? request.Prompts[index] : "") + answer.Response.Text, answer.Response.FinishReason,
            request.LogProbabilities is null ? null : CompletionLogProbabilities.From(answer.Tokens, 0))).ToList();
        await context.Response.WriteAsJsonAsync(
            new { id, @object = "text_completion", created, model = request.Model, choices, usage = Usage(responses.Select(r => r.Usage)) },
            context.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext context, IChatClient client, CompletionRequest request, string id, long created)
    {
        var events = new ServerSentEvents(context.Response);
        var chunks = new TextDeltaEvents.CompletionChunks(id, created, request.Model);
        var usages = new List<UsageDetails?>();
        for (var index = 0; index < request.Prompts.Count; index++)
        {
            if (request.Echo)
            {
                await events.WriteAsync(Chunk(id, created, request.Model, Choice(index, request.Prompts[index], null)), flush: false, context.RequestAborted);
            }

            var tally = new StreamTally();
            var offset = 0;
            var prompt = index;
            // Chunks are written as updates arrive and sent when the model has nothing more ready (ReadyUpdates).
            await ReadyUpdates.ForEachAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, request.Prompts[index])], request.Options.Clone(), context.RequestAborted), async update =>
            {
                tally.Observe(update);
                var tokens = request.LogProbabilities is null ? null : TokenLogProbability.Read(update.AdditionalProperties, LlamaChatOptionKeys.LogProbabilities);
                if (tokens is null && update.Text is { Length: > 0 } plain)
                {
                    // A token's text alone: written by hand, the same bytes as the chunk object below.
                    chunks.Write(events, prompt, plain);
                }
                else if (update.Text is { Length: > 0 } || tokens is { Count: > 0 })
                {
                    await events.WriteAsync(Chunk(id, created, request.Model, Choice(prompt, update.Text, null, CompletionLogProbabilities.From(tokens, offset))), flush: false, context.RequestAborted);
                }
                else
                {
                    return false;
                }

                offset += update.Text.Length;
                return true;
            }, () => events.FlushAsync(context.RequestAborted), context.RequestAborted);

            usages.Add(tally.Usage);
            await events.WriteAsync(Chunk(id, created, request.Model, Choice(index, "", tally.FinishReason)), context.RequestAborted);
        }

        if (request.IncludeUsage)
        {
            await events.WriteAsync(new { id, @object = "text_completion", created, model = request.Model, choices = Array.Empty<object>(), usage = Usage(usages) }, context.RequestAborted);
        }

        await events.WriteDoneAsync(context.RequestAborted);
    }

    private static object Chunk(string id, long created, string model, object choice) =>
        new { id, @object = "text_completion", created, model, choices = new[] { choice } };

    private static object Choice(int index, string text, ChatFinishReason? finish, CompletionLogProbabilities? logprobs = null) =>
        new { text, index, logprobs, finish_reason = OpenAiResponses.FinishReason(finish) };

    private static CompletionUsage Usage(IEnumerable<UsageDetails?> usages)
    {
        var list = usages.ToList();
        var input = list.Sum(u => u?.InputTokenCount ?? 0);
        var output = list.Sum(u => u?.OutputTokenCount ?? 0);
        return new CompletionUsage(input, output, input + output);
    }
}
