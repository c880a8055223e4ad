using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Server.OpenAi;

namespace Strata.Server.Responses;

/// <summary>A parsed <c>POST /v1/responses</c> body.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Items">The conversation as Responses items (stored ones from <c>previous_response_id</c> first).</param>
/// <param name="Messages">The same conversation as chat messages, <c>instructions</c> first.</param>
/// <param name="Options">Sampling, limits, tools and text format.</param>
/// <param name="Echo">Request fields the response object repeats (instructions, tools, tool_choice, text, ...).</param>
/// <param name="Stream">Whether to answer with typed server-sent events.</param>
/// <param name="Store">Whether to keep the response for <c>previous_response_id</c> and <c>GET</c>.</param>
internal sealed record ResponsesRequest(string Model, JsonArray Items, List<ChatMessage> Messages, ChatOptions Options, JsonObject Echo, bool Stream, bool Store);

/// <summary>
/// Reads OpenAI's Responses request: string or item input (messages, <c>function_call</c>, <c>function_call_output</c>),
/// <c>instructions</c>, function tools with <c>tool_choice</c>, <c>text.format</c>, <c>max_output_tokens</c>.
/// </summary>
internal static class ResponsesRequestReader
{
    public static ResponsesRequest Read(JsonElement body, RequestLimits limits, JsonArray? previousItems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var model = JsonFields.RequiredModel(body);
        var items = previousItems ?? [];
        if (!body.TryGetProperty("input", out var input) || input.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw new OpenAiRequestException("'input' is required.", "input", "missing_required_parameter");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            items.Add(new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = input.GetString() });
        }
        else if (input.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in input.EnumerateArray())
            {
                items.Add(JsonNode.Parse(item.GetRawText()));
            }
        }
        else
        {
            throw JsonFields.Invalid("input", "a string or an array of items");
        }

        var messages = new List<ChatMessage>();
        var instructions = JsonFields.String(body, "instructions", "");
        if (instructions is { Length: > 0 })
        {
            messages.Add(new ChatMessage(ChatRole.System, instructions));
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] as JsonObject ?? throw JsonFields.Invalid($"input[{i}]", "an object");
            messages.Add(ResponseItems.ToMessage(item, $"input[{i}]."));
        }

        if (messages.SelectMany(m => m.Contents).OfType<TextContent>().Sum(t => (long)t.Text.Length) > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"The input holds more than {limits.MaxPromptCharacters} characters of text, this server's limit.", "input", "prompt_too_large");
        }

        var options = new ChatOptions
        {
            ModelId = model,
            Temperature = (float?)ChatCompletionRequestReader.InRange(body, "temperature", 0, 2),
            TopP = (float?)ChatCompletionRequestReader.InRange(body, "top_p", 0, 1),
            MaxOutputTokens = MaxOutputTokens(body, limits),
            ResponseFormat = Format(body),
        };
        if (options.MaxOutputTokens is null)
        {
            (options.AdditionalProperties ??= [])[LlamaChatOptionKeys.OutputTokenCeiling] = limits.MaxOutputTokens;
        }

        ReadTools(body, options);
        var echo = new JsonObject
        {
            ["instructions"] = instructions,
            ["max_output_tokens"] = options.MaxOutputTokens,
            ["temperature"] = options.Temperature,
            ["top_p"] = options.TopP,
            ["tools"] = body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array ? JsonNode.Parse(tools.GetRawText()) : new JsonArray(),
            ["tool_choice"] = body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null ? JsonNode.Parse(choice.GetRawText()) : "auto",
            ["text"] = body.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object ? JsonNode.Parse(text.GetRawText()) : new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["previous_response_id"] = JsonFields.String(body, "previous_response_id", ""),
            ["parallel_tool_calls"] = false,
            ["truncation"] = "disabled",
            ["metadata"] = body.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? JsonNode.Parse(metadata.GetRawText()) : new JsonObject(),
        };
        var store = !body.TryGetProperty("store", out var storeFlag) || storeFlag.ValueKind != JsonValueKind.False;
        return new ResponsesRequest(model, items, messages, options, echo, JsonFields.Boolean(body, "stream"), store);
    }

    private static int? MaxOutputTokens(JsonElement body, RequestLimits limits)
    {
        var value = JsonFields.Integer(body, "max_output_tokens");
        return value is null ? null
            : value >= 1 && value <= limits.MaxOutputTokens ? (int)value
            : throw new OpenAiRequestException($"'max_output_tokens' must be between 1 and {limits.MaxOutputTokens} on this server.", "max_output_tokens", "invalid_value");
    }

    private static ChatResponseFormat? Format(JsonElement body)
    {
        if (!body.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.Object || !text.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return JsonFields.String(format, "type", "text.format.") switch
        {
            null or "text" => null,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" when format.TryGetProperty("schema", out var schema) => ChatResponseFormat.ForJsonSchema(schema.Clone(), JsonFields.String(format, "name", "text.format."), JsonFields.String(format, "description", "text.format.")),
            "json_schema" => throw new OpenAiRequestException("'text.format.schema' is required.", "text.format.schema", "missing_required_parameter"),
            var other => throw new OpenAiRequestException($"'text.format.type' is '{other}'; expected text, json_object or json_schema.", "text.format.type", "invalid_value"),
        };
    }

    // Responses tools are flat ({"type":"function","name",...}); only function tools run here.
    private static void ReadTools(JsonElement body, ChatOptions options)
    {
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            options.Tools = tools.EnumerateArray().Select(tool => JsonFields.String(tool, "type", "tools[].") == "function"
                ? (AITool)AIFunctionFactory.CreateDeclaration(
                    JsonFields.RequiredName(tool, "name", "tools[]."),
                    JsonFields.String(tool, "description", "tools[]."),
                    tool.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object ? parameters.Clone() : JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement)
                : throw new OpenAiRequestException($"Only tools of type 'function' are supported, not '{JsonFields.String(tool, "type", "tools[].")}'.", "tools", "unsupported_value")).ToList();
        }

        if (body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null)
        {
            options.ToolMode = choice.ValueKind == JsonValueKind.String
                ? choice.GetString() switch
                {
                    "none" => ChatToolMode.None,
                    "auto" => ChatToolMode.Auto,
                    "required" => ChatToolMode.RequireAny,
                    var other => throw new OpenAiRequestException($"'tool_choice' is '{other}'; expected none, auto, required or a function.", "tool_choice", "invalid_value"),
                }
                : ChatToolMode.RequireSpecific(JsonFields.RequiredName(choice, "name", "tool_choice."));
            ToolChoiceCheck.Ensure(options, "tool_choice");
        }
    }
}
