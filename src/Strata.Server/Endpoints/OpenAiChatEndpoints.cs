using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Threading.Channels;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

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
            // n choices are n sequences of the model's batch, generated side by side; one failing cancels the rest.
            using var choices = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var responses = await Task.WhenAll(Enumerable.Range(0, request.Choices).Select(async index =>
            {
                try
                {
                    return await ScoredResponses.GetAsync(client, request.Messages, request.OptionsOf(index), request.LogProbabilities, choices.Token);
                }
                catch
                {
                    await choices.CancelAsync();
                    throw;
                }
            }));
            var completion = OpenAiResponses.ToChatCompletion(responses.Select(r => r.Response).ToList(), request.Model,
                request.LogProbabilities ? responses.Select(r => r.Tokens).ToList() : null);
            await context.Response.WriteAsJsonAsync(completion, context.RequestAborted);
            return;
        }

        await StreamAsync(context, client, request);
    }

    /// <summary>
    /// Server-sent events: per choice a role chunk, one chunk per text update (with its tokens' log probabilities when
    /// asked), tool calls and a finish chunk; then an optional usage chunk and <c>data: [DONE]</c>. Choices of n > 1
    /// interleave as their sequences produce text, each chunk naming its choice's index. A client that disconnects
    /// cancels <see cref="HttpContext.RequestAborted"/>, which stops generation.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, IChatClient client, ChatCompletionRequest request)
    {
        var id = OpenAiResponses.NewId();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = new ServerSentEvents(context.Response);
        var chunks = new TextDeltaEvents.ChatCompletionChunks(id, created, request.Model);
        var started = new bool[request.Choices];
        var tallies = Enumerable.Range(0, request.Choices).Select(_ => new StreamTally()).ToArray();
        using var choices = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            await ReadyUpdates.ForEachAsync(ChoiceUpdates(client, request, choices), WriteAsync, () => events.FlushAsync(context.RequestAborted), context.RequestAborted);
        }
        catch (Exception e) when (started.Any(s => s) && !context.RequestAborted.IsCancellationRequested)
        {
            // Headers and tokens are out, so no status can change: the stream ends with an error event, as
            // OpenAI's streams do, instead of a connection cut without a word (a model's runner died, say).
            await choices.CancelAsync();
            await WriteErrorEventAsync(context, events, e);
            return;
        }

        for (var index = 0; index < request.Choices; index++)
        {
            if (!started[index])
            {
                await events.WriteAsync(Chunk(id, created, request.Model, index, new ChatCompletionDelta(Role: "assistant", Content: "")), context.RequestAborted);
            }

            if (OpenAiResponses.ToToolCalls(tallies[index].ToolCalls, withIndex: true) is { } calls)
            {
                await events.WriteAsync(Chunk(id, created, request.Model, index, new ChatCompletionDelta(ToolCalls: calls)), context.RequestAborted);
            }

            await events.WriteAsync(
                new ChatCompletionChunk(id, created, request.Model, [new ChatCompletionChunkChoice(index, new ChatCompletionDelta(), OpenAiResponses.FinishReason(tallies[index].FinishReason))]),
                context.RequestAborted);
        }

        if (request.IncludeUsage)
        {
            await events.WriteAsync(new ChatCompletionChunk(id, created, request.Model, [], OpenAiResponses.SumUsage(tallies.Select(t => t.Usage).ToList()) ?? new CompletionUsage(0, 0, 0)), context.RequestAborted);
        }

        await events.WriteDoneAsync(context.RequestAborted);

        async Task<bool> WriteAsync((int Index, ChatResponseUpdate Update) item)
        {
            var (index, update) = item;
            var wrote = false;
            if (!started[index])
            {
                await events.WriteAsync(Chunk(id, created, request.Model, index, new ChatCompletionDelta(Role: "assistant", Content: "")), flush: false, context.RequestAborted);
                started[index] = wrote = true;
            }

            tallies[index].Observe(update);
            var logProbabilities = request.LogProbabilities ? ChatLogProbabilities.From(update.AdditionalProperties, LlamaChatOptionKeys.LogProbabilities) : null;
            if (logProbabilities is null && update.Text is { Length: > 0 } plain)
            {
                // The common case, a token's text: written by hand, the same bytes as the chunk object below.
                chunks.Write(events, index, plain);
                wrote = true;
            }
            else if (update.Text is { Length: > 0 } || logProbabilities is { Content.Count: > 0 })
            {
                await events.WriteAsync(
                    new ChatCompletionChunk(id, created, request.Model, [new ChatCompletionChunkChoice(index, new ChatCompletionDelta(Content: update.Text), null, logProbabilities)]),
                    flush: false, context.RequestAborted);
                wrote = true;
            }

            return wrote;
        }
    }

    // The updates of every choice, tagged with the choice's index, in the order they arrive. One choice streams
    // directly; several are read side by side (so the model batches them) into one queue.
    private static async IAsyncEnumerable<(int Index, ChatResponseUpdate Update)> ChoiceUpdates(IChatClient client, ChatCompletionRequest request, CancellationTokenSource choices)
    {
        if (request.Choices == 1)
        {
            await foreach (var update in client.GetStreamingResponseAsync(request.Messages, request.Options, choices.Token))
            {
                yield return (0, update);
            }

            yield break;
        }

        var queue = Channel.CreateUnbounded<(int, ChatResponseUpdate)>(new UnboundedChannelOptions { SingleReader = true });
        var producers = Enumerable.Range(0, request.Choices).Select(async index =>
        {
            try
            {
                await foreach (var update in client.GetStreamingResponseAsync(request.Messages, request.OptionsOf(index), choices.Token))
                {
                    queue.Writer.TryWrite((index, update));
                }
            }
            catch (Exception e)
            {
                // The first failure ends the stream (as one choice's would) and stops the other choices.
                queue.Writer.TryComplete(e);
                await choices.CancelAsync();
            }
        }).ToArray();
        _ = Task.WhenAll(producers).ContinueWith(_ => queue.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync())
            {
                yield return item;
            }
        }
        finally
        {
            await choices.CancelAsync();
            await Task.WhenAll(producers);
        }
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

    private static ChatCompletionChunk Chunk(string id, long created, string model, int index, ChatCompletionDelta delta) =>
        new(id, created, model, [new ChatCompletionChunkChoice(index, delta, null)]);
}
