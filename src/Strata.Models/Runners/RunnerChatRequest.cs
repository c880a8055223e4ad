using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// A chat request as it crosses to a runner. Tools are functions the parent would invoke, so only what the model sees
/// crosses (name, description, parameter schema); the runner gets declarations, never code.
/// </summary>
internal sealed class RunnerChatRequest
{
    public List<ChatMessage> Messages { get; set; } = [];

    /// <summary>The options without tools, tool mode or raw-representation factory (none of which serialize).</summary>
    public ChatOptions? Options { get; set; }

    public List<RunnerTool> Tools { get; set; } = [];

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c> or <c>required:NAME</c>; null when unset.</summary>
    public string? ToolMode { get; set; }

    public static RunnerChatRequest From(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new RunnerChatRequest { Messages = messages.ToList() };
        if (options is null)
        {
            return request;
        }

        request.Tools = options.Tools?.OfType<AIFunctionDeclaration>()
            .Select(tool => new RunnerTool(tool.Name, tool.Description, tool.JsonSchema)).ToList() ?? [];
        request.ToolMode = options.ToolMode switch
        {
            NoneChatToolMode => "none",
            RequiredChatToolMode { RequiredFunctionName: { } name } => $"required:{name}",
            RequiredChatToolMode => "required",
            AutoChatToolMode => "auto",
            _ => null,
        };
        var copy = options.Clone();
        copy.Tools = null;
        copy.ToolMode = null;
        copy.RawRepresentationFactory = null;
        request.Options = copy;
        return request;
    }

    /// <summary>The request as the in-process client takes it, in the runner.</summary>
    public (List<ChatMessage> Messages, ChatOptions? Options) ToChat()
    {
        var options = Options;
        if (options?.AdditionalProperties is { } extra)
        {
            // Read back from JSON, numbers and strings are JsonElements; the runtime reads them as CLR values.
            foreach (var (key, value) in extra.ToList())
            {
                extra[key] = value is JsonElement element ? Plain(element) : value;
            }
        }

        if (Tools.Count > 0 || ToolMode is not null)
        {
            options ??= new ChatOptions();
            options.Tools = Tools.Select(tool => (AITool)AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, tool.Schema)).ToList();
            options.ToolMode = ToolMode switch
            {
                "none" => ChatToolMode.None,
                "required" => ChatToolMode.RequireAny,
                "auto" => ChatToolMode.Auto,
                { } mode when mode.StartsWith("required:", StringComparison.Ordinal) => ChatToolMode.RequireSpecific(mode["required:".Length..]),
                _ => null,
            };
        }

        return (Messages, options);
    }

    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => element,
    };
}

/// <summary>A tool as the model sees it.</summary>
internal sealed record RunnerTool(string Name, string? Description, JsonElement Schema);
