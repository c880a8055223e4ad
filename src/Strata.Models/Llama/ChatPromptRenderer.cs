using System.Text;
using System.Text.Json;
using LLama;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// Renders chat messages into the text the model was trained on. The model's own chat template (GGUF
/// <c>tokenizer.chat_template</c>) is applied through llama.cpp's <c>llama_chat_apply_template</c>, which knows
/// the common template families (ChatML, Llama 2/3, Mistral, Gemma, Phi, ...). When the model has no template,
/// or llama.cpp does not recognise it, the fallback is a plain transcript, one <c>role: content</c> paragraph per
/// message ending in <c>assistant:</c>: any model continues that sensibly, and no invented special tokens appear.
/// Tools are described in a system-prompt section, since llama.cpp's built-in templates take no tool list.
/// Tool calls are written back as the JSON the model produced and tool results as messages of role <c>tool</c>.
/// </summary>
internal static class ChatPromptRenderer
{
    public static string Render(LLamaWeights weights, bool modelHasTemplate, IEnumerable<ChatMessage> messages, ChatOptions? options,
        IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var turns = Turns(messages, options, tools);
        if (modelHasTemplate && TryApplyModelTemplate(weights, turns) is { } rendered)
        {
            return rendered;
        }

        var transcript = new StringBuilder();
        foreach (var (role, content) in turns)
        {
            transcript.Append(role).Append(": ").Append(content).Append("\n\n");
        }

        return transcript.Append("assistant:").ToString();
    }

    private static string? TryApplyModelTemplate(LLamaWeights weights, List<(string Role, string Content)> turns)
    {
        try
        {
            var template = new LLamaTemplate(weights, strict: true) { AddAssistant = true };
            foreach (var (role, content) in turns)
            {
                template.Add(role, content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or LLama.Exceptions.RuntimeError)
        {
            return null;
        }
    }

    private static List<(string Role, string Content)> Turns(IEnumerable<ChatMessage> messages, ChatOptions? options, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var system = new List<string>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            system.Add(options.Instructions);
        }

        var turns = new List<(string Role, string Content)>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                system.Add(message.Text);
                continue;
            }

            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                turns.Add(("tool", JsonSerializer.Serialize(new { call_id = result.CallId, result = ResultText(result.Result) })));
            }

            var calls = message.Contents.OfType<FunctionCallContent>()
                .Select(call => PartialToolCall.ArgumentsText(call) is { } written
                    // A call whose arguments are not an object (one the token limit cut short, sent back) is shown as written.
                    ? $"{{\"name\":{JsonSerializer.Serialize(call.Name)},\"arguments\":{written}"
                    : JsonSerializer.Serialize(new { name = call.Name, arguments = call.Arguments ?? new Dictionary<string, object?>() }))
                .ToList();
            var text = string.Join("\n", new[] { message.Text }.Where(t => t.Length > 0).Concat(calls));
            if (text.Length > 0 || !message.Contents.OfType<FunctionResultContent>().Any())
            {
                turns.Add((message.Role.Value, text));
            }
        }

        if (tools.Count > 0)
        {
            system.Add(ToolSection(tools));
        }

        if (system.Count > 0)
        {
            turns.Insert(0, ("system", string.Join("\n\n", system)));
        }

        return turns;
    }

    private static string ResultText(object? result) => result switch
    {
        null => "null",
        string text => text,
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(result),
    };

    private static string ToolSection(IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var section = new StringBuilder("You can call these tools. To call one, reply with only a JSON object ")
            .Append("{\"name\": <tool name>, \"arguments\": <arguments object>}. Tool results come back as messages of role tool.\n");
        foreach (var tool in tools)
        {
            section.Append(JsonSerializer.Serialize(new { name = tool.Name, description = tool.Description, parameters = tool.JsonSchema })).Append('\n');
        }

        return section.ToString().TrimEnd();
    }
}
