using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>A parsed <c>/api/chat</c> or <c>/api/generate</c> body in Microsoft.Extensions.AI terms.</summary>
/// <param name="Model">The model as the client named it (answers echo it).</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">Sampling, limits, format and tools.</param>
/// <param name="Stream">Whether to answer as NDJSON lines (Ollama's default is true).</param>
/// <param name="KeepAlive">How long the model stays loaded after the request (<c>keep_alive</c>); null for the server's default.</param>
internal sealed record OllamaChatRequest(string Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, TimeSpan? KeepAlive = null);

/// <summary>
/// Reads Ollama's chat and generate requests. Field errors are <see cref="OpenAiRequestException"/>s; on Ollama's
/// routes the error writer gives them Ollama's <c>{"error": "…"}</c> shape.
/// </summary>
internal static class OllamaChatReader
{
    public static OllamaChatRequest ReadChat(JsonElement body, RequestLimits limits)
    {
        RequireObject(body);
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiRequestException("'messages' must be an array.", "messages", "invalid_type");
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            messages.Add(ReadMessage(item, $"messages[{index++}].", messages));
        }

        return Finish(body, messages, limits);
    }

    public static OllamaChatRequest ReadGenerate(JsonElement body, RequestLimits limits)
    {
        RequireObject(body);
        foreach (var unsupported in new[] { "suffix", "images", "context", "template" })
        {
            if (body.TryGetProperty(unsupported, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                && !(value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0) && !(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
            {
                throw new OpenAiRequestException($"'{unsupported}' is not supported by this server.", unsupported, "unsupported_parameter");
            }
        }

        var messages = new List<ChatMessage>();
        if (JsonFields.String(body, "system", "") is { Length: > 0 } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        messages.Add(new ChatMessage(ChatRole.User, JsonFields.String(body, "prompt", "") ?? ""));
        return Finish(body, messages, limits);
    }

    private static void RequireObject(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }
    }

    private static OllamaChatRequest Finish(JsonElement body, List<ChatMessage> messages, RequestLimits limits)
    {
        var model = JsonFields.RequiredModel(body);
        var characters = messages.SelectMany(m => m.Contents).OfType<TextContent>().Sum(t => (long)t.Text.Length);
        if (characters > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"The messages hold more than {limits.MaxPromptCharacters} characters of text, this server's limit.", "messages", "prompt_too_large");
        }

        var options = new ChatOptions { ModelId = model, ResponseFormat = Format(body) };
        OllamaOptions.Apply(body, options, limits);
        var keepAlive = OllamaKeepAlive.Read(body);
        ChatCompletionRequestReader.ReadTools(body, options);
        // Ollama streams unless told otherwise.
        var stream = !body.TryGetProperty("stream", out var flag) || flag.ValueKind != JsonValueKind.False;
        if (options.MaxOutputTokens is null)
        {
            (options.AdditionalProperties ??= [])[LlamaChatOptionKeys.OutputTokenCeiling] = limits.MaxOutputTokens;
        }

        return new OllamaChatRequest(model, messages, options, stream, keepAlive);
    }

    private static ChatResponseFormat? Format(JsonElement body)
    {
        if (!body.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return format.ValueKind switch
        {
            JsonValueKind.String when format.GetString() == "json" => ChatResponseFormat.Json,
            JsonValueKind.String when format.GetString()!.Length == 0 => null,
            JsonValueKind.Object => ChatResponseFormat.ForJsonSchema(format.Clone(), "format"),
            _ => throw new OpenAiRequestException("'format' must be \"json\" or a JSON schema object.", "format", "invalid_value"),
        };
    }

    private static ChatMessage ReadMessage(JsonElement item, string path, List<ChatMessage> earlier)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw JsonFields.Invalid(path[..^1], "an object");
        }

        if (item.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array && images.GetArrayLength() > 0)
        {
            throw new OpenAiRequestException($"'{path}images' is not supported: the served models read text only.", path + "images", "unsupported_content");
        }

        var content = JsonFields.String(item, "content", path) ?? "";
        switch (JsonFields.RequiredString(item, "role", path))
        {
            case "system":
                return new ChatMessage(ChatRole.System, content);
            case "user":
                return new ChatMessage(ChatRole.User, content);
            case "assistant":
                List<AIContent> parts = content.Length > 0 ? [new TextContent(content)] : [];
                parts.AddRange(ToolCalls(item, path, earlier.Count));
                return new ChatMessage(ChatRole.Assistant, parts);
            case "tool":
                // Ollama's tool results carry the tool's name, not a call id: they answer the latest call of that tool.
                var name = JsonFields.String(item, "tool_name", path) ?? JsonFields.String(item, "name", path);
                var call = earlier.SelectMany(m => m.Contents).OfType<FunctionCallContent>().LastOrDefault(c => name is null || c.Name == name);
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call?.CallId ?? $"call_{earlier.Count}", content)]);
            case var other:
                throw new OpenAiRequestException($"'{path}role' is '{other}'; expected system, user, assistant or tool.", path + "role", "invalid_value");
        }
    }

    private static IEnumerable<FunctionCallContent> ToolCalls(JsonElement item, string path, int messageIndex)
    {
        if (!item.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            if (!JsonFields.Object(call, path + "tool_calls[].").TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw JsonFields.Invalid(path + "tool_calls[].function", "an object");
            }

            var arguments = function.TryGetProperty("arguments", out var raw) && raw.ValueKind == JsonValueKind.Object
                ? raw.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                : [];
            yield return new FunctionCallContent($"call_{messageIndex}_{index++}", JsonFields.RequiredString(function, "name", path + "tool_calls[].function."), arguments);
        }
    }
}
