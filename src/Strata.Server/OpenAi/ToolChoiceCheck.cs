using Microsoft.Extensions.AI;

namespace Strata.Server.OpenAi;

/// <summary>
/// A forced tool must be one the request declares: a name missing from <c>tools</c> (or no tools at all) is the
/// client's mistake, answered 400 naming the field, not a runtime error deep in the model client.
/// </summary>
internal static class ToolChoiceCheck
{
    /// <exception cref="OpenAiRequestException">The forced tool is not among the declared tools.</exception>
    public static void Ensure(ChatOptions options, string param)
    {
        if (options.ToolMode is not RequiredChatToolMode required)
        {
            return;
        }

        var names = (options.Tools ?? []).OfType<AIFunctionDeclaration>().Select(tool => tool.Name).ToList();
        if (required.RequiredFunctionName is { } name && !names.Contains(name, StringComparer.Ordinal))
        {
            var declared = names.Count == 0 ? "no tools are declared" : "declared: " + string.Join(", ", names);
            throw new OpenAiRequestException($"'{param}' names the function '{name}', which is not in 'tools' ({declared}).", param, "invalid_value");
        }

        if (names.Count == 0)
        {
            throw new OpenAiRequestException($"'{param}' requires a tool call but 'tools' declares no functions.", param, "invalid_value");
        }
    }
}
