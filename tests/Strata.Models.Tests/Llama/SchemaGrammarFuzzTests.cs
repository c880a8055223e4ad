using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

/// <summary>
/// Every grammar the converters render must be one llama.cpp accepts: each rule it refers to is defined, its syntax
/// parses, its repetitions stay under llama.cpp's limits. A schema the converter cannot express must fail with
/// <see cref="NotSupportedException"/> (which servers answer with 400), never another exception or a broken grammar.
/// The schemas are generated from the keywords of the JSON-Schema-Test-Suite, in valid and invalid shapes.
/// </summary>
public sealed partial class SchemaGrammarFuzzTests
{
    private static readonly JsonGrammarLimits Limits = new() { MaxStringLength = 12, MaxArrayItems = 3, MaxDepth = 2, MaxObjectProperties = 3 };

    public static TheoryData<string> Regressions =>
    [
        """{"type":"object","properties":{}}""",
        """{"enum":["red","green"]}""",
        """{"const":{"a":[1,"x\"y\\z\n"]}}""",
        """{"anyOf":[{"const":1},{"enum":[null,true]}]}""",
        """{"type":"array","items":{"enum":["a"]}}""",
        """{"type":"object","properties":{"a":{"const":1}},"required":["a"]}""",
        """{"$defs":{"c":{"enum":[1,2]}},"$ref":"#/$defs/c"}""",
        """{"type":"string","maxLength":2000}""",
        """{"type":"string","minLength":2001}""",
        """{"type":"array","maxItems":3000}""",
        """{"type":"object","properties":{"a":false,"b":{"type":"integer"}}}""",
        """{"type":"array","items":false}""",
        """{"type":5}""",
        """{"type":["string",7]}""",
        """{"$ref":3}""",
        """{"required":[1],"properties":{"a":{}}}""",
        """{"anyOf":[{"type":"null"},{"type":"integer"}],"$defs":{"x":{"anyOf":[]}},"properties":{"p":{"$ref":"#/anyOf/1"}}}""",
        """{"enum":[]}""",
        """{"anyOf":[]}""",
        """{"type":[]}""",
    ];

    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_known_troublesome_schema_gives_a_valid_grammar_or_a_not_supported_error(string schema) =>
        AssertValidOrUnsupported(JsonDocument.Parse(schema).RootElement);

    [Fact]
    public void A_tool_without_parameters_gets_a_grammar_that_defines_every_rule_it_uses()
    {
        var tool = AIFunctionFactory.CreateDeclaration("now", "The time.", JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement);

        var grammar = ToolCallGrammar.Build([tool], allowPlainAnswer: false, Limits);

        Assert.Empty(UndefinedRules(grammar));
        GbnfGrammar.Validate(grammar);
    }

    [Fact]
    public void An_enum_only_schema_gets_a_grammar_that_defines_space()
    {
        var grammar = JsonSchemaToGbnf.Convert(JsonDocument.Parse("""{"enum":["red","green"]}""").RootElement);

        Assert.Contains("\nspace ::= ", grammar, StringComparison.Ordinal);
        GbnfGrammar.Validate(grammar);
    }

    [Fact]
    public void A_bound_above_llama_cpps_repetition_limit_stays_a_bound()
    {
        // llama.cpp refuses {0,n} with n over 2000 (newer versions read it as "no limit"): the converter caps n below it.
        var grammar = JsonSchemaToGbnf.Convert(JsonDocument.Parse("""{"type":"string","maxLength":100000}""").RootElement);

        Assert.Contains($"char{{0,{JsonSchemaToGbnf.MaxRepetition}}}", grammar, StringComparison.Ordinal);
        Assert.True(JsonSchemaToGbnf.MaxRepetition < GbnfGrammar.RepetitionThreshold);
    }

    [Fact]
    public void Many_optional_properties_make_a_grammar_linear_in_their_number()
    {
        var properties = new JsonObject();
        for (var i = 0; i < 2000; i++)
        {
            properties[$"p{i}"] = new JsonObject { ["type"] = "boolean" };
        }

        var grammar = JsonSchemaToGbnf.Convert(JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "object", ["properties"] = properties }));

        Assert.True(grammar.Length < 400_000, $"2000 optional properties made a grammar of {grammar.Length} characters");
        GbnfGrammar.Validate(grammar);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Generated_schemas_give_valid_grammars_or_not_supported_errors(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 400; i++)
        {
            var schema = new SchemaGenerator(random).Schema(depth: 0);
            AssertValidOrUnsupported(JsonSerializer.SerializeToElement(schema));
        }
    }

    private static void AssertValidOrUnsupported(JsonElement schema)
    {
        var text = schema.GetRawText();
        Check(() => JsonSchemaToGbnf.Convert(schema, Limits));
        Check(() => JsonSchemaToGbnf.Convert(schema));
        var tool = AIFunctionFactory.CreateDeclaration("tool", null, schema);
        Check(() => ToolCallGrammar.Build([tool, tool], allowPlainAnswer: true, Limits));
        Check(() => ToolCallGrammar.Build([tool], allowPlainAnswer: false, Limits));

        void Check(Func<string> convert)
        {
            string grammar;
            try
            {
                grammar = convert();
            }
            catch (NotSupportedException)
            {
                return;
            }
            catch (Exception e)
            {
                Assert.Fail($"schema {text} threw {e.GetType().Name}, not NotSupportedException: {e}");
                return;
            }

            var undefined = UndefinedRules(grammar).ToList();
            Assert.True(undefined.Count == 0, $"schema {text} gave a grammar that uses undefined rules {string.Join(", ", undefined)}:\n{grammar}");
            try
            {
                GbnfGrammar.Validate(grammar);
            }
            catch (LlamaGrammarException e)
            {
                Assert.Fail($"schema {text} gave a grammar the GBNF check refuses: {e.Message}\n{grammar}");
            }
        }
    }

    // Independent of GbnfGrammar: strip literals, classes and counts, and what is left of each body is rule names.
    private static IEnumerable<string> UndefinedRules(string grammar)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in grammar.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = line.IndexOf("::=", StringComparison.Ordinal);
            defined.Add(line[..split].Trim());
            foreach (Match name in RuleName().Matches(Terminal().Replace(line[(split + 3)..], " ")))
            {
                referenced.Add(name.Value);
            }
        }

        return referenced.Except(defined);
    }

    [GeneratedRegex("""
        "(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]|\{[0-9,]*\}
        """)]
    private static partial Regex Terminal();

    [GeneratedRegex("[A-Za-z0-9-]+")]
    private static partial Regex RuleName();

    /// <summary>Random schemas over the JSON-Schema-Test-Suite keywords, mostly valid, sometimes wrong in type or value.</summary>
    internal sealed class SchemaGenerator(Random random)
    {
        private static readonly string[] Types = ["string", "number", "integer", "boolean", "null", "object", "array"];
        private static readonly string[] Names = ["a", "b", "space", "root", "a b", "é", "", "tool0-call", "a-b", "a_b", "x1", "value-d0", "\"q\"", "rest0"];
        private readonly List<string> _defs = [];

        public JsonNode? Schema(int depth)
        {
            if (depth > 3 || random.Next(10) == 0)
            {
                return random.Next(3) switch { 0 => JsonValue.Create(true), 1 => JsonValue.Create(false), _ => new JsonObject() };
            }

            var schema = new JsonObject();
            var keywords = random.Next(1, 5);
            for (var k = 0; k < keywords; k++)
            {
                AddKeyword(schema, depth);
            }

            return schema;
        }

        private void AddKeyword(JsonObject schema, int depth)
        {
            switch (random.Next(26))
            {
                case 0: schema["type"] = random.Next(8) == 0 ? JsonValue.Create(random.Next(3)) : Pick(Types); break;
                case 1: schema["type"] = new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => (JsonNode?)Pick(Types))]); break;
                case 2: schema["enum"] = new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth))]); break;
                case 3: schema["const"] = Value(depth); break;
                case 4: schema["properties"] = Properties(depth); break;
                case 5: schema["required"] = new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(6) == 0 ? JsonValue.Create(4) : (JsonNode?)Pick(Names))]); break;
                case 6: schema["items"] = random.Next(6) == 0 ? new JsonArray(Schema(depth + 1)) : Schema(depth + 1); break;
                case 7: schema["prefixItems"] = new JsonArray(Schema(depth + 1), Schema(depth + 1)); break;
                case 8: schema[Pick("minItems", "maxItems")] = Count(); break;
                case 9: schema[Pick("minLength", "maxLength")] = Count(); break;
                case 10: schema[Pick("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")] = random.Next(-5, 5) + 0.5; break;
                case 11: schema[Pick("anyOf", "oneOf", "allOf")] = new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Schema(depth + 1))]); break;
                case 12: schema["additionalProperties"] = random.Next(2) == 0 ? JsonValue.Create(random.Next(2) == 0) : Schema(depth + 1); break;
                case 13: AddDefinition(schema, depth); break;
                case 14: schema["$ref"] = Reference(); break;
                case 15: schema["pattern"] = "^[a-z]+$"; break;
                case 16: schema[Pick("minProperties", "maxProperties")] = Count(); break;
                case 17: schema["uniqueItems"] = true; break;
                case 18: schema["not"] = Schema(depth + 1); break;
                case 19: schema["if"] = Schema(depth + 1); schema["then"] = Schema(depth + 1); schema["else"] = Schema(depth + 1); break;
                case 20: schema["dependentRequired"] = new JsonObject { ["a"] = new JsonArray("b") }; break;
                case 21: schema["propertyNames"] = new JsonObject { ["maxLength"] = 3 }; break;
                case 22: schema["type"] = "object"; schema["properties"] = Properties(depth); break;
                case 23: schema["type"] = "array"; schema["items"] = Schema(depth + 1); break;
                case 24: schema["type"] = "string"; schema["maxLength"] = Count(); break;
                default: schema["properties"] = random.Next(4) == 0 ? new JsonArray() : new JsonObject(); break;
            }
        }

        private JsonObject Properties(int depth)
        {
            var properties = new JsonObject();
            foreach (var name in Enumerable.Range(0, random.Next(5)).Select(_ => Pick(Names)).Distinct(StringComparer.Ordinal))
            {
                properties[name] = Schema(depth + 1);
            }

            return properties;
        }

        private void AddDefinition(JsonObject schema, int depth)
        {
            var name = Pick("d1", "d2", "d/x", "d~y");
            _defs.Add(name);
            schema["$defs"] = new JsonObject { [name] = Schema(depth + 1) };
        }

        private JsonNode? Reference() => random.Next(8) switch
        {
            0 => JsonValue.Create(7),
            1 => "http://example.com/schema.json",
            2 => "#",
            3 => "#/anyOf/0",
            4 => "#/nowhere",
            _ => _defs.Count > 0 ? "#/$defs/" + _defs[random.Next(_defs.Count)].Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal) : "#/$defs/d1",
        };

        private JsonNode? Count() => random.Next(10) switch
        {
            0 => -1,
            1 => 1.5,
            2 => "3",
            3 => 2000,
            4 => 100_000,
            _ => random.Next(0, 5),
        };

        private JsonNode? Value(int depth) => random.Next(8) switch
        {
            0 => null,
            1 => random.Next(2) == 0,
            2 => random.Next(-100, 100),
            3 => random.NextDouble(),
            4 => "quote \" backslash \\ newline \n tab \t é 中 \u0001",
            5 => new JsonArray(1, "a", null),
            6 when depth < 3 => new JsonObject { ["k"] = Value(depth + 1) },
            _ => Pick(Names),
        };

        private string Pick(params string[] options) => options[random.Next(options.Length)];
    }
}
