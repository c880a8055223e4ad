using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Server.OpenAi;

namespace Strata.Server.Anthropic;

/// <summary><c>POST /v1/messages</c>: Anthropic's Messages API over Strata's models, whole or streamed.</summary>
public static class AnthropicMessagesEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapAnthropicMessagesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/messages", CreateAsync).WithName("CreateMessage");
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
            await context.Response.WriteAsJsonAsync(Message(id, request.Model, Blocks(response.Text, contents.OfType<FunctionCallContent>()), StopReason(response.FinishReason, contents), response.Usage), context.RequestAborted);
            return;
        }

        await StreamAsync(context, client, request, id);
    }

    /// <summary>Anthropic's event sequence: message_start, a text block's start/deltas/stop, tool_use blocks, message_delta, message_stop.</summary>
    private static async Task StreamAsync(HttpContext context, IChatClient client, AnthropicMessagesRequest request, string id)
    {
        var events = new ServerSentEvents(context.Response);
        var token = context.RequestAborted;
        await events.WriteAsync("message_start", new { type = "message_start", message = Message(id, request.Model, [], null, null) }, token);
        await events.WriteAsync("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } }, token);
        var tally = new StreamTally();
        await foreach (var update in client.GetStreamingResponseAsync(request.Messages, request.Options, token))
        {
            tally.Observe(update);
            if (update.Text is { Length: > 0 } text)
            {
                await events.WriteAsync("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text } }, token);
            }
        }

        await events.WriteAsync("content_block_stop", new { type = "content_block_stop", index = 0 }, token);
        var index = 1;
        foreach (var call in tally.ToolCalls)
        {
            await events.WriteAsync("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id = call.CallId, name = call.Name, input = new { } } }, token);
            await events.WriteAsync("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>()) } }, token);
            await events.WriteAsync("content_block_stop", new { type = "content_block_stop", index = index++ }, token);
        }

        await events.WriteAsync("message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = StopReason(tally.FinishReason, tally.ToolCalls), stop_sequence = (string?)null },
            usage = new { output_tokens = tally.Usage?.OutputTokenCount ?? 0 },
        }, token);
        await events.WriteAsync("message_stop", new { type = "message_stop" }, token);
    }

    private static object Message(string id, string model, IReadOnlyList<object> content, string? stopReason, UsageDetails? usage) => new
    {
        id,
        type = "message",
        role = "assistant",
        model,
        content,
        stop_reason = stopReason,
        stop_sequence = (string?)null,
        usage = new { input_tokens = usage?.InputTokenCount ?? 0, output_tokens = usage?.OutputTokenCount ?? 0 },
    };

    private static List<object> Blocks(string text, IEnumerable<FunctionCallContent> calls)
    {
        List<object> blocks = [];
        if (text.Length > 0)
        {
            blocks.Add(new { type = "text", text });
        }

        blocks.AddRange(calls.Select(call => (object)new { type = "tool_use", id = call.CallId, name = call.Name, input = call.Arguments ?? new Dictionary<string, object?>() }));
        return blocks;
    }

    private static string StopReason(ChatFinishReason? finish, IEnumerable<AIContent> contents) =>
        contents.OfType<FunctionCallContent>().Any() || finish == ChatFinishReason.ToolCalls ? "tool_use"
        : finish == ChatFinishReason.Length ? "max_tokens"
        : "end_turn";
}
