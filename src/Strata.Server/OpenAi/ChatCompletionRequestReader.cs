using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>
/// Reads OpenAI's chat completion request into messages and <see cref="ChatOptions"/>, rejecting what cannot be
/// honoured (unknown roles, n &gt; 1, values out of range) with errors that name the field, as OpenAI's API does.
/// </summary>
public static class ChatCompletionRequestReader
{
    /// <summary>Parses and validates <paramref name="body"/> against <paramref name="limits"/>.</summary>
    /// <exception cref="OpenAiRequestException">The request is invalid; the message names the field.</exception>
    public static ChatCompletionRequest Read(JsonElement body, RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var model = JsonFields.RequiredModel(body);
        var messages = ReadMessages(body, limits);
        var options = new ChatOptions
        {
            ModelId = model,
            Temperature = (float?)InRange(body, "temperature", 0, 2),
            TopP = (float?)InRange(body, "top_p", 0, 1),
            TopK = (int?)JsonFields.Integer(body, "top_k"),
            FrequencyPenalty = (float?)InRange(body, "frequency_penalty", -2, 2),
            PresencePenalty = (float?)InRange(body, "presence_penalty", -2, 2),
            Seed = JsonFields.Integer(body, "seed"),
            MaxOutputTokens = MaxTokens(body, limits),
            StopSequences = Stop(body),
            ResponseFormat = ResponseFormat(body),
        };
        if (JsonFields.Number(body, "min_p") is { } minP)
        {
            (options.AdditionalProperties ??= [])["min_p"] = (float)minP;
        }

        if (options.MaxOutputTokens is null)
        {
            // Without max_tokens a local model would write until its context is full: Server:MaxOutputTokens still caps it.
            (options.AdditionalProperties ??= [])[LlamaChatOptionKeys.OutputTokenCeiling] = limits.MaxOutputTokens;
        }

        ReadLogProbabilities(body, options);
        var choices = JsonFields.Integer(body, "n") ?? 1;
        if (choices < 1 || choices > limits.MaxChoices)
        {
            // Choices are parallel sequences of one batch: more than the batch holds would queue behind each other.
            throw new OpenAiRequestException($"'n' must be between 1 and {limits.MaxChoices} on this server (Models:Llama:MaxParallelSequences).", "n", "invalid_value");
        }

        ReadTools(body, options);
        ToolChoiceCheck.Ensure(options, "tool_choice");
        var stream = JsonFields.Boolean(body, "stream");
        var includeUsage = body.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && JsonFields.Boolean(streamOptions, "include_usage");
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage, (int)choices);
    }

    // logprobs and top_logprobs (0 to 20, and only with logprobs, as OpenAI's API checks) become the runtime's option.
    private static void ReadLogProbabilities(JsonElement body, ChatOptions options)
    {
        var wanted = JsonFields.Boolean(body, "logprobs");
        var top = JsonFields.Integer(body, "top_logprobs");
        if (top is < 0 or > 20)
        {
            throw new OpenAiRequestException("'top_logprobs' must be between 0 and 20.", "top_logprobs", "invalid_value");
        }

        if (top is > 0 && !wanted)
        {
            throw new OpenAiRequestException("'top_logprobs' needs 'logprobs' set to true.", "top_logprobs", "invalid_value");
        }

        if (wanted)
        {
            (options.AdditionalProperties ??= [])[LlamaChatOptionKeys.TopLogProbabilities] = (int)(top ?? 0);
        }
    }

    private static List<ChatMessage> ReadMessages(JsonElement body, RequestLimits limits)
    {
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new OpenAiRequestException("'messages' must be a non-empty array.", "messages", "invalid_type");
        }

        var messages = new List<ChatMessage>();
        long characters = 0;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"messages[{index++}].";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw JsonFields.Invalid(path[..^1], "an object");
            }

            var message = ReadMessage(item, path);
            characters += message.Contents.OfType<TextContent>().Sum(text => (long)text.Text.Length);
            if (characters > limits.MaxPromptCharacters)
            {
                throw new OpenAiRequestException(
                    $"The messages hold more than {limits.MaxPromptCharacters} characters of text, this server's limit.", "messages", "prompt_too_large");
            }

            messages.Add(message);
        }

        return messages;
    }

    private static ChatMessage ReadMessage(JsonElement item, string path)
    {
        var role = JsonFields.RequiredString(item, "role", path);
        switch (role)
        {
            case "system" or "developer":
                return new ChatMessage(ChatRole.System, Text(item, path));
            case "user":
                return new ChatMessage(ChatRole.User, Text(item, path));
            case "assistant":
                List<AIContent> contents = [];
                if (Text(item, path, required: false) is { Length: > 0 } text)
                {
                    contents.Add(new TextContent(text));
                }

                contents.AddRange(ToolCalls(item, path));
                return new ChatMessage(ChatRole.Assistant, contents);
            case "tool":
                var callId = JsonFields.RequiredString(item, "tool_call_id", path);
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, Text(item, path))]);
            default:
                throw new OpenAiRequestException($"'{path}role' is '{role}'; expected system, developer, user, assistant or tool.", path + "role", "invalid_value");
        }
    }

    /// <summary>Message content as text: a string, or an array of <c>{"type":"text","text":…}</c> parts.</summary>
    private static string Text(JsonElement item, string path, bool required = true)
    {
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new OpenAiRequestException($"'{path}content' is required.", path + "content", "missing_required_parameter") : "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw JsonFields.Invalid(path + "content", "a string or an array of content parts");
        }

        return string.Concat(content.EnumerateArray().Select(part =>
            part.ValueKind == JsonValueKind.Object && JsonFields.String(part, "type", path + "content[].") == "text"
                ? JsonFields.RequiredString(part, "text", path + "content[].")
                : throw new OpenAiRequestException($"'{path}content' parts must be of type 'text'; images and audio are not supported.", path + "content", "unsupported_content")));
    }

    private static IEnumerable<FunctionCallContent> ToolCalls(JsonElement item, string path)
    {
        if (!item.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw JsonFields.Invalid(path + "tool_calls", "an array");
        }

        foreach (var call in calls.EnumerateArray())
        {
            var callPath = path + "tool_calls[].";
            var id = JsonFields.RequiredString(call, "id", callPath);
            if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw JsonFields.Invalid(callPath + "function", "an object");
            }

            var name = JsonFields.RequiredString(function, "name", callPath + "function.");
            var argumentsText = JsonFields.String(function, "arguments", callPath + "function.") ?? "{}";
            yield return HistoryToolCall.Create(id, name, argumentsText);
        }
    }

    internal static void ReadTools(JsonElement body, ChatOptions options)
    {
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            options.Tools = tools.EnumerateArray().Select(tool =>
            {
                if (JsonFields.String(tool, "type", "tools[].") != "function" || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw new OpenAiRequestException("Only tools of type 'function' are supported.", "tools", "invalid_value");
                }

                var name = JsonFields.RequiredName(function, "name", "tools[].function.");
                var schema = function.TryGetProperty("parameters", out var parameters) ? parameters.Clone() : JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;
                return (AITool)AIFunctionFactory.CreateDeclaration(name, JsonFields.String(function, "description", "tools[].function."), schema);
            }).ToList();
        }

        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        options.ToolMode = choice.ValueKind == JsonValueKind.String
            ? choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                var other => throw new OpenAiRequestException($"'tool_choice' is '{other}'; expected none, auto, required or a function.", "tool_choice", "invalid_value"),
            }
            : choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                ? ChatToolMode.RequireSpecific(JsonFields.RequiredName(function, "name", "tool_choice.function."))
                : throw JsonFields.Invalid("tool_choice", "a string or {\"type\":\"function\",\"function\":{\"name\":…}}");
    }

    private static ChatResponseFormat? ResponseFormat(JsonElement body)
    {
        if (!body.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return JsonFields.String(format, "type", "response_format.") switch
        {
            null or "text" => ChatResponseFormat.Text,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" when format.TryGetProperty("json_schema", out var jsonSchema) && JsonFields.Object(jsonSchema, "response_format.json_schema.").TryGetProperty("schema", out var schema)
                => ChatResponseFormat.ForJsonSchema(schema.Clone(), JsonFields.String(jsonSchema, "name", "response_format.json_schema."), JsonFields.String(jsonSchema, "description", "response_format.json_schema.")),
            "json_schema" => throw new OpenAiRequestException("'response_format.json_schema.schema' is required.", "response_format.json_schema.schema", "missing_required_parameter"),
            var other => throw new OpenAiRequestException($"'response_format.type' is '{other}'; expected text, json_object or json_schema.", "response_format.type", "invalid_value"),
        };
    }

    internal static List<string>? Stop(JsonElement body)
    {
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var list = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => stop.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString()! : throw JsonFields.Invalid("stop", "a string or an array of strings")).ToList(),
            _ => throw JsonFields.Invalid("stop", "a string or an array of strings"),
        };
        return list.Count > 4 ? throw new OpenAiRequestException("'stop' holds at most 4 sequences.", "stop", "invalid_value") : list;
    }

    internal static int? MaxTokens(JsonElement body, RequestLimits limits)
    {
        var name = body.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens";
        var value = JsonFields.Integer(body, name);
        if (value is null)
        {
            return null;
        }

        if (value < 1 || value > limits.MaxOutputTokens)
        {
            throw new OpenAiRequestException($"'{name}' must be between 1 and {limits.MaxOutputTokens} on this server.", name, "invalid_value");
        }

        return (int)value;
    }

    internal static double? InRange(JsonElement body, string name, double min, double max)
    {
        var value = JsonFields.Number(body, name);
        return value is null || (value >= min && value <= max)
            ? value
            : throw new OpenAiRequestException($"'{name}' must be between {min} and {max}.", name, "invalid_value");
    }
}
