using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Server.OpenAi;

namespace Strata.Server.Responses;

/// <summary>
/// OpenAI's Responses API: <c>POST /v1/responses</c> (whole, or typed server-sent events), <c>GET</c> and
/// <c>DELETE /v1/responses/{id}</c> for stored responses.
/// </summary>
public static class ResponsesEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapResponsesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/responses", CreateAsync).WithName("CreateResponse");
        routes.MapGet("/v1/responses/{id}", (string id, ResponseStore store) =>
            Results.Json((store.Find(id) ?? throw NotFound(id)).Response)).WithName("GetResponse");
        routes.MapDelete("/v1/responses/{id}", (string id, ResponseStore store) =>
            store.Delete(id) ? Results.Json(new { id, @object = "response", deleted = true }) : throw NotFound(id)).WithName("DeleteResponse");
        return routes;
    }

    private static async Task CreateAsync(HttpContext context, ModelCatalog catalog, RequestLimits limits, ModelAdmission admission, ResponseStore store)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var previous = JsonFields.String(body.RootElement, "previous_response_id", "") is { } previousId
            ? (store.Find(previousId) ?? throw new OpenAiRequestException($"No stored response '{previousId}'.", "previous_response_id", "not_found", StatusCodes.Status404NotFound)).Items
            : null;
        var request = ResponsesRequestReader.Read(body.RootElement, limits, previous);
        using var turn = await admission.EnterAsync(request.Model, context.RequestAborted);
        var client = await catalog.GetChatClientAsync(request.Model, invokeFunctions: false, context.RequestAborted);
        var answer = new ResponseBuilder(request);
        if (request.Stream)
        {
            await ResponseStreaming.StreamAsync(context, client, request, answer);
        }
        else
        {
            var response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            await context.Response.WriteAsJsonAsync(answer.Finish(response.Text, calls, response.FinishReason, response.Usage), context.RequestAborted);
        }

        if (request.Store && answer.Completed is { } completed)
        {
            var items = request.Items;
            foreach (var item in completed["output"]!.AsArray())
            {
                items.Add(item!.DeepClone());
            }

            store.Save(answer.Id, completed, items);
        }
    }

    private static OpenAiRequestException NotFound(string id) =>
        new($"No stored response '{id}'.", "id", "not_found", StatusCodes.Status404NotFound);
}

/// <summary>The response object of one request, in progress and finished.</summary>
internal sealed class ResponseBuilder(ResponsesRequest request)
{
    private readonly long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public string Id { get; } = ResponseStore.NewId();

    public string MessageId { get; } = "msg_" + Guid.NewGuid().ToString("N");

    /// <summary>The finished response, once there is one.</summary>
    public JsonObject? Completed { get; private set; }

    public List<string> CallIds { get; } = [];

    public JsonObject InProgress() => Object("in_progress", [], null, null);

    public JsonObject Finish(string text, IReadOnlyList<FunctionCallContent> calls, ChatFinishReason? finish, UsageDetails? usage)
    {
        while (CallIds.Count < calls.Count)
        {
            CallIds.Add("fc_" + Guid.NewGuid().ToString("N"));
        }

        // Cut short by max_output_tokens: "incomplete", as OpenAI's API says it.
        var status = finish == ChatFinishReason.Length ? "incomplete" : "completed";
        var output = ResponseItems.Output(MessageId, text, calls.Select((call, i) => (CallIds[i], call)), status == "completed" ? "completed" : "incomplete");
        Completed = Object(status, output, usage, status == "incomplete" ? new JsonObject { ["reason"] = "max_output_tokens" } : null);
        return Completed;
    }

    /// <summary>The response as <c>response.failed</c> carries it: no output, and the error that ended it.</summary>
    public JsonObject Failed(string code, string message)
    {
        var failed = Object("failed", [], null, null);
        failed["error"] = new JsonObject { ["code"] = code, ["message"] = message };
        return failed;
    }

    private JsonObject Object(string status, JsonArray output, UsageDetails? usage, JsonObject? incomplete)
    {
        var response = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "response",
            ["created_at"] = created,
            ["status"] = status,
            ["error"] = null,
            ["incomplete_details"] = incomplete,
            ["model"] = request.Model,
            ["output"] = output,
            ["store"] = request.Store,
            ["usage"] = usage is null ? null : new JsonObject
            {
                ["input_tokens"] = usage.InputTokenCount ?? 0,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = usage.OutputTokenCount ?? 0,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0),
            },
        };
        foreach (var (name, value) in request.Echo)
        {
            response[name] = value?.DeepClone();
        }

        return response;
    }
}
