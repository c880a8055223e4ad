using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Server.OpenAi;

namespace Strata.Server.Anthropic;

/// <summary>A parsed <c>POST /v1/messages</c> body (Anthropic's Messages API) in Microsoft.Extensions.AI terms.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Messages">The conversation, the system prompt first.</param>
/// <param name="Options">Sampling, limits and tools.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
public sealed record AnthropicMessagesRequest(string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream);

/// <summary>
/// Reads Anthropic's Messages request, so clients built on Anthropic's SDK can use Strata's models as they would
/// Claude. Field errors reuse <see cref="OpenAiRequestException"/>; the error writer gives them Anthropic's shape.
/// </summary>
public static class AnthropicMessagesReader
{
    /// <summary>Parses and validates <paramref name="body"/>.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="limits">The server's request limits.</param>
    /// <param name="maxTokensRequired">False for <c>count_tokens</c>, whose body has no <c>max_tokens</c>.</param>
    /// <exception cref="OpenAiRequestException">The request is invalid; the message names the field.</exception>
    public static AnthropicMessagesRequest Read(JsonElement body, RequestLimits limits, bool maxTokensRequired = true)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var model = JsonFields.RequiredModel(body);
        var maxTokens = JsonFields.Integer(body, "max_tokens") ?? (maxTokensRequired ? null : (long?)1)
            ?? throw new OpenAiRequestException("'max_tokens' is required.", "max_tokens", "missing_required_parameter");
        if (maxTokens < 1 || maxTokens > limits.MaxOutputTokens)
        {
            throw new OpenAiRequestException($"'max_tokens' must be between 1 and {limits.MaxOutputTokens} on this server.", "max_tokens", "invalid_value");
        }

        List<ChatMessage> messages = [];
        if (body.TryGetProperty("system", out var system) && system.ValueKind != JsonValueKind.Null)
        {
            messages.Add(new ChatMessage(ChatRole.System, Text(system, "system")));
        }

        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new OpenAiRequestException("'messages' must be a non-empty array.", "messages", "invalid_type");
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            messages.Add(ReadMessage(item, $"messages[{index++}]."));
        }

        var characters = messages.SelectMany(m => m.Contents).OfType<TextContent>().Sum(t => (long)t.Text.Length);
        if (characters > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"The messages hold more than {limits.MaxPromptCharacters} characters of text, this server's limit.", "messages", "prompt_too_large");
        }

        var options = new ChatOptions
        {
            ModelId = model,
            MaxOutputTokens = (int)maxTokens,
            Temperature = (float?)JsonFields.Number(body, "temperature"),
            TopP = (float?)JsonFields.Number(body, "top_p"),
            TopK = (int?)JsonFields.Integer(body, "top_k"),
            StopSequences = body.TryGetProperty("stop_sequences", out var stops) && stops.ValueKind == JsonValueKind.Array
                ? stops.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString()! : throw JsonFields.Invalid("stop_sequences[]", "a string")).Where(s => s.Length > 0).ToList()
                : null,
        };
        ReadTools(body, options);
        ToolChoiceCheck.Ensure(options, "tool_choice");
        return new AnthropicMessagesRequest(model, messages, options, JsonFields.Boolean(body, "stream"));
    }

    private static ChatMessage ReadMessage(JsonElement item, string path)
    {
        var role = JsonFields.RequiredString(item, "role", path) switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            var other => throw new OpenAiRequestException($"'{path}role' is '{other}'; expected user or assistant.", path + "role", "invalid_value"),
        };
        if (!item.TryGetProperty("content", out var content))
        {
            throw new OpenAiRequestException($"'{path}content' is required.", path + "content", "missing_required_parameter");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(role, content.GetString());
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw JsonFields.Invalid(path + "content", "a string or an array of content blocks");
        }

        List<AIContent> parts = [];
        var toolResults = false;
        foreach (var block in content.EnumerateArray())
        {
            switch (JsonFields.String(block, "type", path + "content[]."))
            {
                case "text":
                    parts.Add(new TextContent(JsonFields.RequiredString(block, "text", path + "content[].")));
                    break;
                case "tool_use":
                    var input = block.TryGetProperty("input", out var raw) && raw.ValueKind != JsonValueKind.Null
                        ? JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonFields.Object(raw, path + "content[].input.").GetRawText())
                        : null;
                    parts.Add(new FunctionCallContent(JsonFields.RequiredString(block, "id", path), JsonFields.RequiredName(block, "name", path), input));
                    break;
                case "tool_result":
                    toolResults = true;
                    var result = block.TryGetProperty("content", out var resultContent) ? Text(resultContent, path + "content[].content") : "";
                    parts.Add(new FunctionResultContent(JsonFields.RequiredString(block, "tool_use_id", path), result));
                    break;
                default:
                    throw new OpenAiRequestException($"'{path}content' blocks must be text, tool_use or tool_result.", path + "content", "unsupported_content");
            }
        }

        // Anthropic puts tool results in a user turn; Microsoft.Extensions.AI gives them the tool role.
        return new ChatMessage(toolResults ? ChatRole.Tool : role, parts);
    }

    private static string Text(JsonElement value, string param) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(block => JsonFields.String(block, "text", param + "[].") ?? "")),
        _ => throw JsonFields.Invalid(param, "a string or an array of text blocks"),
    };

    private static void ReadTools(JsonElement body, ChatOptions options)
    {
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            options.Tools = tools.EnumerateArray().Select(tool => (AITool)AIFunctionFactory.CreateDeclaration(
                JsonFields.RequiredName(tool, "name", "tools[]."),
                JsonFields.String(tool, "description", "tools[]."),
                tool.TryGetProperty("input_schema", out var schema) ? schema.Clone() : JsonDocument.Parse("""{"type":"object"}""").RootElement)).ToList();
        }

        if (body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object)
        {
            options.ToolMode = JsonFields.String(choice, "type", "tool_choice.") switch
            {
                "auto" or null => ChatToolMode.Auto,
                "any" => ChatToolMode.RequireAny,
                "none" => ChatToolMode.None,
                "tool" => ChatToolMode.RequireSpecific(JsonFields.RequiredName(choice, "name", "tool_choice.")),
                var other => throw new OpenAiRequestException($"'tool_choice.type' is '{other}'.", "tool_choice.type", "invalid_value"),
            };
        }
    }
}
