using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Anthropic;

/// <summary><c>POST /v1/messages</c>: Anthropic's Messages API over Strata's models, whole or streamed; and <c>count_tokens</c>.</summary>
public static class AnthropicMessagesEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAnthropicMessagesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/messages", CreateAsync).WithName("CreateMessage");
        routes.MapPost("/v1/messages/count_tokens", CountTokensAsync).WithName("CountMessageTokens");
        return routes;
    }

    private static async Task CreateAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits, ModelAdmission admission)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = AnthropicMessagesReader.Read(body.RootElement, limits);
        using var turn = await admission.EnterAsync(request.Model, context.RequestAborted);
        var client = await catalog.GetChatClientAsync(request.Model, invokeFunctions: false, context.RequestAborted);
        var id = "msg_" + Guid.NewGuid().ToString("N");
        if (!request.Stream)
        {
            var response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
            var contents = response.Messages.SelectMany(m => m.Contents).ToList();
            // Depending on the update, M.E.AI puts its additional properties on the response or on its message.
            var stop = MatchedStop(response.AdditionalProperties) ?? response.Messages.Select(m => MatchedStop(m.AdditionalProperties)).LastOrDefault(s => s is not null);
            await context.Response.WriteAsJsonAsync(
                Message(id, request.Model, Blocks(response.Text, contents.OfType<FunctionCallContent>()), StopReason(response.FinishReason, contents, stop), stop, response.Usage),
                context.RequestAborted);
            return;
        }

        await StreamAsync(context, client, request, id);
    }

    /// <summary>Anthropic's <c>count_tokens</c>: the prompt's tokens as the model's template and tokenizer make them.</summary>
    private static async Task CountTokensAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var request = AnthropicMessagesReader.Read(body.RootElement, limits, maxTokensRequired: false);
        var client = await catalog.GetChatClientAsync(request.Model, invokeFunctions: false, context.RequestAborted);
        var tokens = await PromptTokens.TryCountAsync(client, request.Messages, request.Options, context.RequestAborted)
            ?? throw new OpenAiRequestException($"'{request.Model}' is a remote provider's model; count_tokens works for models Strata runs.", "model", "unsupported_value");
        await context.Response.WriteAsJsonAsync(new { input_tokens = tokens }, context.RequestAborted);
    }

    /// <summary>
    /// Anthropic's event sequence: message_start (with the prompt's tokens), a text block only when there is text,
    /// tool_use blocks, message_delta with the stop reason and usage, message_stop.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, IChatClient client, AnthropicMessagesRequest request, string id)
    {
        var events = new ServerSentEvents(context.Response);
        var token = context.RequestAborted;
        var inputTokens = await PromptTokens.TryCountAsync(client, request.Messages, request.Options, token);
        await events.WriteAsync("message_start", new { type = "message_start", message = Message(id, request.Model, [], null, null, new UsageDetails { InputTokenCount = inputTokens }) }, token);
        var tally = new StreamTally();
        var textOpen = false;
        string? stop = null;
        // Events are written as updates arrive and sent when the model has nothing more ready (ReadyUpdates).
        await ReadyUpdates.ForEachAsync(client.GetStreamingResponseAsync(request.Messages, request.Options, token), async update =>
        {
            tally.Observe(update);
            stop ??= MatchedStop(update.AdditionalProperties);
            if (update.Text is not { Length: > 0 } text)
            {
                return false;
            }

            if (!textOpen)
            {
                // Opened on the first text, so a forced tool call is not preceded by an empty text block.
                await events.WriteAsync("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } }, flush: false, token);
                textOpen = true;
            }

            TextDeltaEvents.WriteAnthropicText(events, text);
            return true;
        }, () => events.FlushAsync(token), token);

        var index = 0;
        if (textOpen)
        {
            await events.WriteAsync("content_block_stop", new { type = "content_block_stop", index = index++ }, token);
        }

        foreach (var call in tally.ToolCalls)
        {
            await events.WriteAsync("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id = call.CallId, name = call.Name, input = new { } } }, token);
            await events.WriteAsync("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = OpenAiResponses.ArgumentsJson(call) } }, token);
            await events.WriteAsync("content_block_stop", new { type = "content_block_stop", index = index++ }, token);
        }

        var usage = tally.Usage;
        await events.WriteAsync("message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = StopReason(tally.FinishReason, tally.ToolCalls, stop), stop_sequence = stop },
            usage = new { input_tokens = usage?.InputTokenCount ?? inputTokens ?? 0, output_tokens = usage?.OutputTokenCount ?? 0 },
        }, token);
        await events.WriteAsync("message_stop", new { type = "message_stop" }, token);
    }

    private static object Message(string id, string model, IReadOnlyList<object> content, string? stopReason, string? stopSequence, UsageDetails? usage) => new
    {
        id,
        type = "message",
        role = "assistant",
        model,
        content,
        stop_reason = stopReason,
        stop_sequence = stopSequence,
        usage = new { input_tokens = usage?.InputTokenCount ?? 0, output_tokens = usage?.OutputTokenCount ?? 0 },
    };

    private static List<object> Blocks(string text, IEnumerable<FunctionCallContent> calls)
    {
        List<object> blocks = [];
        if (text.Length > 0)
        {
            blocks.Add(new { type = "text", text });
        }

        // A call cut short by max_tokens has no complete input: it is sent empty, with stop_reason max_tokens.
        blocks.AddRange(calls.Select(call => (object)new { type = "tool_use", id = call.CallId, name = call.Name, input = call.Arguments ?? new Dictionary<string, object?>() }));
        return blocks;
    }

    private static string? MatchedStop(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(LlamaChatOptionKeys.MatchedStopSequence, out var stop) == true
            ? stop switch
            {
                string text => text,
                // Through a model runner the update crossed as JSON, so the value arrives as a JSON string.
                System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json => json.GetString(),
                _ => null,
            }
            : null;

    private static string StopReason(ChatFinishReason? finish, IEnumerable<AIContent> contents, string? stopSequence) =>
        finish == ChatFinishReason.Length ? "max_tokens"
        : contents.OfType<FunctionCallContent>().Any() || finish == ChatFinishReason.ToolCalls ? "tool_use"
        : stopSequence is not null ? "stop_sequence"
        : "end_turn";
}
