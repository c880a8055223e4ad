using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Responses;

/// <summary>
/// The Responses API's typed events: <c>response.created</c>, <c>response.in_progress</c>, for text
/// <c>response.output_item.added</c>, <c>response.content_part.added</c>, <c>response.output_text.delta</c> …
/// <c>.done</c>, for each function call <c>response.output_item.added</c>,
/// <c>response.function_call_arguments.delta</c> and <c>.done</c>, then <c>response.completed</c> (or
/// <c>response.incomplete</c>), each with its <c>sequence_number</c>. A model that fails once the stream has begun (its
/// runner died) ends it with <c>response.failed</c>, whose response carries the error, as OpenAI's API does.
/// </summary>
internal static class ResponseStreaming
{
    public static async Task StreamAsync(HttpContext context, IChatClient client, ResponsesRequest request, ResponseBuilder answer)
    {
        var events = new Writer(new ServerSentEvents(context.Response), context.RequestAborted);
        await events.SendAsync("response.created", new JsonObject { ["response"] = answer.InProgress() });
        await events.SendAsync("response.in_progress", new JsonObject { ["response"] = answer.InProgress() });
        try
        {
            await StreamOutputAsync(context, client, request, answer, events);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            var (status, type, code, _, message) = Security.ErrorResponseMiddleware.Describe(e);
            if (status >= 500)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ResponseStreaming)).StreamFailed(e, context.Request.Path.Value ?? "");
            }

            await events.SendAsync("response.failed", new JsonObject { ["response"] = answer.Failed(code ?? type, message) });
        }
    }

    private static async Task StreamOutputAsync(HttpContext context, IChatClient client, ResponsesRequest request, ResponseBuilder answer, Writer events)
    {
        var tally = new StreamTally();
        var text = new System.Text.StringBuilder();
        var deltas = new TextDeltaEvents.ResponseTextDeltas(answer.MessageId);
        // Events are written as updates arrive and sent when the model has nothing more ready (ReadyUpdates).
        await ReadyUpdates.ForEachAsync(client.GetStreamingResponseAsync(request.Messages, request.Options, context.RequestAborted), async update =>
        {
            tally.Observe(update);
            if (update.Text is not { Length: > 0 } delta)
            {
                return false;
            }

            if (text.Length == 0)
            {
                await events.SendAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = ResponseItems.Message(answer.MessageId, "", "in_progress") }, flush: false);
                await events.SendAsync("response.content_part.added", Part(answer, ResponseItems.TextPart("")), flush: false);
            }

            text.Append(delta);
            events.SendTextDelta(deltas, delta);
            return true;
        }, events.FlushAsync, context.RequestAborted);

        var completed = answer.Finish(text.ToString(), tally.ToolCalls, tally.FinishReason, tally.Usage);
        var index = 0;
        if (text.Length > 0)
        {
            var done = Part(answer, null);
            done["text"] = text.ToString();
            done["logprobs"] = new JsonArray();
            await events.SendAsync("response.output_text.done", done);
            await events.SendAsync("response.content_part.done", Part(answer, ResponseItems.TextPart(text.ToString())));
            await events.SendAsync("response.output_item.done", new JsonObject { ["output_index"] = index++, ["item"] = completed["output"]![0]!.DeepClone() });
        }

        for (var i = 0; i < tally.ToolCalls.Count; i++, index++)
        {
            var call = tally.ToolCalls[i];
            var itemId = answer.CallIds[i];
            var arguments = OpenAiResponses.ArgumentsJson(call);
            await events.SendAsync("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = ResponseItems.FunctionCall(itemId, call, "in_progress") });
            await events.SendAsync("response.function_call_arguments.delta", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["delta"] = arguments });
            await events.SendAsync("response.function_call_arguments.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["arguments"] = arguments });
            await events.SendAsync("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = completed["output"]![index]!.DeepClone() });
        }

        await events.SendAsync(completed["status"]!.GetValue<string>() == "incomplete" ? "response.incomplete" : "response.completed", new JsonObject { ["response"] = completed.DeepClone() });
    }

    private static JsonObject Part(ResponseBuilder answer, JsonObject? part)
    {
        var data = new JsonObject { ["item_id"] = answer.MessageId, ["output_index"] = 0, ["content_index"] = 0 };
        if (part is not null)
        {
            data["part"] = part;
        }

        return data;
    }

    private sealed class Writer(ServerSentEvents events, CancellationToken cancellationToken)
    {
        private int sequence;

        public Task SendAsync(string type, JsonObject data, bool flush = true)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            return events.WriteAsync(type, data, flush, cancellationToken);
        }

        /// <summary>A <c>response.output_text.delta</c>, unflushed, written by hand (the same bytes as its JSON object).</summary>
        public void SendTextDelta(TextDeltaEvents.ResponseTextDeltas deltas, string text) => deltas.Write(events, text, sequence++);

        public Task FlushAsync() => events.FlushAsync(cancellationToken);
    }
}
