using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Strata.Server.OpenAi;

namespace Strata.Server.Responses;

/// <summary>Responses items to chat messages and back: a pure mapping, apart from the HTTP handling.</summary>
internal static class ResponseItems
{
    public static ChatMessage ToMessage(JsonObject item, string path)
    {
        var type = OptionalString(item, "type", path) ?? (item["role"] is not null ? "message" : null);
        switch (type)
        {
            case "message":
                var role = OptionalString(item, "role", path) switch
                {
                    "user" => ChatRole.User,
                    "assistant" => ChatRole.Assistant,
                    "system" or "developer" => ChatRole.System,
                    var other => throw new OpenAiRequestException($"'{path}role' is '{other}'; expected user, assistant, system or developer.", path + "role", "invalid_value"),
                };
                return new ChatMessage(role, Text(item["content"], path + "content"));
            case "function_call":
                var arguments = OptionalString(item, "arguments", path) ?? "{}";
                return new ChatMessage(ChatRole.Assistant, [HistoryToolCall.Create(Required(item, "call_id", path), Required(item, "name", path), arguments)]);
            case "function_call_output":
                var output = item["output"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : item["output"]?.ToJsonString() ?? "";
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(Required(item, "call_id", path), output)]);
            default:
                throw new OpenAiRequestException($"'{path}type' is '{type}'; expected message, function_call or function_call_output.", path + "type", "unsupported_value");
        }
    }

    /// <summary>The output items of an answer: a message with its text (when there is text), then function calls.</summary>
    public static JsonArray Output(string messageId, string text, IEnumerable<(string ItemId, FunctionCallContent Call)> calls, string status)
    {
        var output = new JsonArray();
        if (text.Length > 0)
        {
            output.Add(Message(messageId, text, status));
        }

        foreach (var (itemId, call) in calls)
        {
            output.Add(FunctionCall(itemId, call, status));
        }

        return output;
    }

    public static JsonObject Message(string id, string text, string status) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = text.Length == 0 && status == "in_progress" ? new JsonArray() : new JsonArray(TextPart(text)),
    };

    public static JsonObject TextPart(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    public static JsonObject FunctionCall(string id, FunctionCallContent call, string status) => new()
    {
        ["type"] = "function_call",
        ["id"] = id,
        ["call_id"] = call.CallId,
        ["name"] = call.Name,
        ["arguments"] = status == "in_progress" ? "" : OpenAiResponses.ArgumentsJson(call),
        ["status"] = status,
    };

    private static string Text(JsonNode? content, string path) => content switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray parts => string.Concat(parts.Select((part, i) => PartText(Part(part, $"{path}[{i}]"), $"{path}[{i}].", path))),
        _ => throw JsonFields.Invalid(path, "a string or an array of content parts"),
    };

    private static string PartText(JsonObject part, string partPath, string contentPath) =>
        OptionalString(part, "type", partPath) is "input_text" or "output_text" or "text"
            ? OptionalString(part, "text", partPath) ?? ""
            : throw new OpenAiRequestException($"'{contentPath}' parts must be input_text or output_text; images, files and audio are not supported.", contentPath, "unsupported_content");

    // A content part must be an object; anything else is the client's mistake, named by its place in the request.
    private static JsonObject Part(JsonNode? part, string path) => part as JsonObject ?? throw JsonFields.Invalid(path, "an object");

    // A string field, or null when absent or null; a field of another JSON type is a 400 naming it.
    private static string? OptionalString(JsonObject item, string name, string path) => item[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw JsonFields.Invalid(path + name, "a string"),
    };

    private static string Required(JsonObject item, string name, string path) =>
        item[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new OpenAiRequestException($"'{path}{name}' is required.", path + name, "missing_required_parameter");
}
