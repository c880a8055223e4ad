using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

public sealed class PromptAndGrammarTests
{
    [Fact]
    public void Without_a_model_template_the_prompt_is_a_role_transcript_with_tool_calls_and_results()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "be brief"),
            new(ChatRole.User, "add 2 and 3"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", 5)]),
        };

        // The fallback never touches the weights.
        var prompt = ChatPromptRenderer.Render(null!, modelHasTemplate: false, messages, null, []);

        Assert.Equal(
            "system: be brief\n\nuser: add 2 and 3\n\nassistant: {\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}}\n\n" +
            "tool: {\"call_id\":\"call_1\",\"result\":\"5\"}\n\nassistant:",
            prompt);
    }

    [Fact]
    public void A_recursive_schema_is_refused_with_a_clear_error()
    {
        var schema = JsonDocument.Parse("""{"$defs":{"node":{"type":"object","properties":{"next":{"$ref":"#/$defs/node"}}}},"$ref":"#/$defs/node"}""").RootElement;

        var error = Assert.Throws<NotSupportedException>(() => JsonSchemaToGbnf.Convert(schema));

        Assert.Contains("recursive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_properties_follow_required_ones_in_declared_order()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"}},"required":["b"]}""").RootElement;

        var grammar = JsonSchemaToGbnf.Convert(schema);

        Assert.Contains("root-value ::= \"{\" space root-value-b-kv (\",\" space root-value-a-kv)? \"}\" space", grammar, StringComparison.Ordinal);
        Assert.StartsWith("root ::= root-value\n", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_max_length_is_capped_and_impossible_bounds_are_refused()
    {
        var huge = JsonDocument.Parse("""{"type":"string","maxLength":2147483647}""").RootElement;
        var impossible = JsonDocument.Parse("""{"type":"array","minItems":5,"maxItems":2}""").RootElement;

        var grammar = JsonSchemaToGbnf.Convert(huge);

        Assert.Contains($"char{{0,{JsonSchemaToGbnf.MaxRepetition}}}", grammar, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => JsonSchemaToGbnf.Convert(impossible));
    }
}
