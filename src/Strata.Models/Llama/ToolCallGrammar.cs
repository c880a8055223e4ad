using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// The grammar for a turn that may call tools: a tool call is one JSON object
/// <c>{"name": "...", "arguments": {...}}</c> whose arguments follow that tool's schema. With
/// <see cref="ChatToolMode.Auto"/> the model may instead answer in plain text, which then must not start with <c>{</c>,
/// so the two can always be told apart.
/// </summary>
internal static class ToolCallGrammar
{
    /// <exception cref="LlamaGrammarException">A tool's parameters schema cannot be expressed as a grammar; the message names the tool.</exception>
    public static string Build(IReadOnlyList<AIFunctionDeclaration> functions, bool allowPlainAnswer, JsonGrammarLimits limits)
    {
        // The call rules below use space themselves, whatever the tools' schemas need.
        var rules = new Dictionary<string, string>(StringComparer.Ordinal) { ["space"] = JsonSchemaToGbnf.SpaceRule };
        var calls = new List<string>();
        for (var i = 0; i < functions.Count; i++)
        {
            var function = functions[i];
            string arguments;
            try
            {
                arguments = JsonSchemaToGbnf.AddTo(rules, ArgumentsSchema(function.JsonSchema), $"tool{i}-args", limits);
            }
            catch (NotSupportedException e)
            {
                throw new LlamaGrammarException($"the parameters schema of tool '{function.Name}' cannot be used to constrain a call: {e.Message}", e);
            }

            var name = JsonSerializer.Serialize(function.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            rules[$"tool{i}-call"] = $"\"{{\" space \"\\\"name\\\"\" space \":\" space \"{name}\" space \",\" space \"\\\"arguments\\\"\" space \":\" space {arguments} \"}}\" space";
            calls.Add($"tool{i}-call");
        }

        rules["call"] = string.Join(" | ", calls);
        // Plain text: anything that does not open with "{", up to the end of generation.
        rules["answer"] = "[^{\\x01-\\x08] [^\\x01-\\x08]*";
        rules["root"] = allowPlainAnswer ? "call | answer" : "call";
        return JsonSchemaToGbnf.Render(rules);
    }

    // A function without parameters still gets an (empty) arguments object.
    private static JsonElement ArgumentsSchema(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _)
            ? schema
            : JsonSerializer.SerializeToElement(new { type = "object", properties = new { } });
}
