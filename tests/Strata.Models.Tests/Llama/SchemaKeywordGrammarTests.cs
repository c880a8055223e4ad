using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

/// <summary>
/// Keywords the grammar enforces on its own: the tiny model, with no validating middleware and no retries, writes
/// only answers that validate, whatever its seed. Schemas written in our own words after the JSON-Schema-Test-Suite's
/// keyword list.
/// </summary>
public sealed class SchemaKeywordGrammarTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    public static TheoryData<string, string> Enforced => new()
    {
        { "integer range", """{"type":"integer","minimum":-37,"maximum":1204}""" },
        { "exclusive integer range", """{"type":"integer","exclusiveMinimum":9,"exclusiveMaximum":12}""" },
        { "number range", """{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}""" },
        { "number lower bound", """{"type":"number","minimum":2.5}""" },
        { "negative upper bound", """{"type":"integer","maximum":-100}""" },
        { "prefixItems", """{"type":"array","prefixItems":[{"type":"integer","minimum":0,"maximum":9},{"enum":["a","b"]}],"items":false}""" },
        { "prefixItems then items", """{"type":"array","prefixItems":[{"type":"boolean"}],"items":{"type":"null"},"minItems":3,"maxItems":4}""" },
        { "allOf", """{"allOf":[{"type":"object","properties":{"a":{"type":"integer","minimum":1}},"required":["a"]},{"properties":{"b":{"type":"boolean"}},"required":["b"]},{"properties":{"a":{"maximum":5}}}]}""" },
        { "allOf with additionalProperties", """{"allOf":[{"properties":{"a":{"type":"integer"}},"additionalProperties":false},{"properties":{"b":{"type":"integer"}}}]}""" },
        { "$ref with siblings", """{"$defs":{"n":{"type":"integer"}},"$ref":"#/$defs/n","minimum":3,"maximum":4}""" },
        { "pattern", """{"type":"string","pattern":"^[A-Z][a-z]{2,5}-\\d{3}$"}""" },
        { "pattern with lengths", """{"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":4}""" },
        { "pattern with alternation", """{"type":"string","pattern":"^(cat|dog)s?$"}""" },
        { "pattern with quote and backslash", """{"type":"string","pattern":"^[\"\\\\x]{1,3}$"}""" },
        { "dependentRequired", """{"type":"object","properties":{"card":{"type":"integer"},"cvv":{"type":"integer"}},"dependentRequired":{"card":["cvv"]}}""" },
        { "minProperties", """{"type":"object","properties":{"a":{"type":"null"},"b":{"type":"null"},"c":{"type":"null"}},"minProperties":2}""" },
        { "maxProperties", """{"type":"object","properties":{"a":{"type":"null"},"b":{"type":"null"},"c":{"type":"null"}},"maxProperties":1}""" },
        { "propertyNames", """{"type":"object","properties":{"ab":{"type":"null"},"abcdef":{"type":"null"}},"required":["ab"],"propertyNames":{"maxLength":3}}""" },
        { "uniqueItems", """{"type":"array","items":{"type":"boolean"},"uniqueItems":true}""" },
        { "not a type", """{"not":{"type":["string","object","array"]}}""" },
        { "if/then", """{"type":"object","properties":{"kind":{"enum":["a","b"]},"n":{"type":"integer"}},"required":["kind","n"],"if":{"properties":{"kind":{"const":"a"}}},"then":{"properties":{"n":{"minimum":0,"maximum":9}}},"else":{"properties":{"n":{"maximum":-1}}}}""" },
        { "enum within a type", """{"type":"string","enum":["x",1,"y",null]}""" },
        { "free object values", """{"type":"object","additionalProperties":{"type":"integer","minimum":0,"maximum":3},"propertyNames":{"pattern":"^[a-c]$"}}""" },
    };

    [Theory]
    [MemberData(nameof(Enforced))]
    public async Task Every_answer_the_grammar_allows_validates(string keyword, string schemaText)
    {
        var schema = JsonDocument.Parse(schemaText).RootElement.Clone();
        Assert.True(JsonSchemaToGbnf.EnforcesAll(schema), $"{keyword}: the converter says it leaves part of the schema to validation");
        var validator = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        var finished = 0;
        for (var seed = 1; seed <= 4; seed++)
        {
            var response = await model.Client.GetResponseAsync(
                [new ChatMessage(ChatRole.User, "answer in JSON")],
                new ChatOptions { Temperature = 1.0f, Seed = seed, MaxOutputTokens = 200, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "answer") });
            if (response.FinishReason != ChatFinishReason.Stop)
            {
                continue;
            }

            finished++;
            using var answer = JsonDocument.Parse(response.Text);
            Assert.True(validator.Evaluate(answer.RootElement).IsValid, $"{keyword}, seed {seed}: {response.Text}");
        }

        Assert.True(finished > 0, $"{keyword}: no answer finished within the token limit");
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^(a)\\1$"}""")]
    [InlineData("""{"type":"string","pattern":"^(?=a)a+$"}""")]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":2}]}""")]
    [InlineData("""{"type":"array","contains":{"type":"integer"}}""")]
    [InlineData("""{"type":"integer","multipleOf":7}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"minItems":2,"uniqueItems":true}""")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["a"],"maxProperties":0}""")]
    public void A_keyword_the_grammar_cannot_hold_is_left_to_validation(string schemaText)
    {
        var schema = JsonDocument.Parse(schemaText).RootElement;

        // Still a grammar (it constrains what it can), but the answer must be validated before it is streamed.
        GbnfGrammar.Validate(JsonSchemaToGbnf.Convert(schema));
        Assert.False(JsonSchemaToGbnf.EnforcesAll(schema));
    }

    [Theory]
    [InlineData("""{"allOf":[{"type":"string"},{"type":"integer"}]}""")]
    [InlineData("""{"allOf":[{"const":1},{"const":2}]}""")]
    [InlineData("""{"allOf":[{"properties":{"a":{}},"additionalProperties":false},{"required":["b"]}]}""")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":4}""")]
    [InlineData("""{"not":{"type":["object","array","string","number","boolean","null"]}}""")]
    public void A_schema_no_value_can_meet_is_refused_by_name(string schemaText) =>
        Assert.Throws<NotSupportedException>(() => JsonSchemaToGbnf.Convert(JsonDocument.Parse(schemaText).RootElement));
}
