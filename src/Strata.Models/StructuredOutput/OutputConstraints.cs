using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// What a request promises about its answer: JSON (to a schema, when it gives one) and tool calls whose arguments
/// follow their tool's parameters schema. Built before the request is sent, so a schema the validator cannot
/// build is refused up front; checked on the finished answer.
/// </summary>
internal sealed class OutputConstraints
{
    private readonly CompiledSchema? _response;
    private readonly bool _jsonRequired;
    private readonly Dictionary<string, CompiledSchema> _tools;
    private readonly bool _callRequired;

    private OutputConstraints(CompiledSchema? response, bool jsonRequired, Dictionary<string, CompiledSchema> tools, bool callRequired, bool streamable)
    {
        _response = response;
        _jsonRequired = jsonRequired;
        _tools = tools;
        _callRequired = callRequired;
        Streamable = streamable;
    }

    /// <summary>Whether the grammar enforces everything, so the answer may be streamed before it is checked.</summary>
    public bool Streamable { get; }

    /// <summary>The constraints of <paramref name="options"/>; null when it makes no promise about the answer's shape.</summary>
    /// <exception cref="NotSupportedException">A schema cannot be built; the message names the tool or the response format.</exception>
    public static OutputConstraints? For(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var toolMode = options.ToolMode ?? ChatToolMode.Auto;
        var tools = toolMode == ChatToolMode.None ? [] : (options.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
        var format = options.ResponseFormat as ChatResponseFormatJson;
        if (tools.Count == 0 && format is null)
        {
            return null;
        }

        var streamable = true;
        CompiledSchema? response = null;
        if (format?.Schema is { } schema)
        {
            response = CompiledSchema.For(schema, "the response format's JSON schema");
            streamable = GrammarCoverage.IsFullyEnforced(schema);
        }

        var compiled = new Dictionary<string, CompiledSchema>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            compiled[tool.Name] = CompiledSchema.For(tool.JsonSchema, $"the parameters schema of tool '{tool.Name}'");
            streamable &= GrammarCoverage.IsFullyEnforced(tool.JsonSchema);
        }

        return new OutputConstraints(tools.Count > 0 ? null : response, tools.Count == 0 && format is not null, compiled, toolMode is RequiredChatToolMode, streamable);
    }

    /// <summary>
    /// What is wrong with a finished <paramref name="response"/>; empty when it keeps every promise or did not finish
    /// normally (an answer cut short by the token limit says so in its finish reason and is not checked).
    /// </summary>
    public IReadOnlyList<string> Problems(ChatResponse response)
    {
        if (response.FinishReason is { } finish && finish != ChatFinishReason.Stop && finish != ChatFinishReason.ToolCalls)
        {
            return [];
        }

        var calls = response.Messages.SelectMany(message => message.Contents).OfType<FunctionCallContent>().ToList();
        var problems = new List<string>();
        foreach (var call in calls)
        {
            if (!_tools.TryGetValue(call.Name, out var schema))
            {
                problems.Add($"the call names '{call.Name}', which is not a declared tool");
                continue;
            }

            var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
            problems.AddRange(schema.Problems(arguments).Select(problem => $"tool '{call.Name}' arguments {problem}"));
        }

        if (_callRequired && calls.Count == 0)
        {
            problems.Add("a tool call was required but the answer holds none");
        }

        if (_jsonRequired && calls.Count == 0)
        {
            problems.AddRange(TextProblems(response.Text));
        }

        return problems;
    }

    private IEnumerable<string> TextProblems(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return [$"the answer is not JSON: {e.Message}"];
        }

        using (document)
        {
            return _response is null
                ? document.RootElement.ValueKind == JsonValueKind.Object ? [] : ["the answer is not a JSON object"]
                : _response.Problems(document.RootElement);
        }
    }
}
