using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit.Abstractions;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// One schema per JSON Schema keyword, sent to a real server with the tiny model as <c>response_format</c> and as a
/// forced tool's parameters. Whatever the model writes, no request may fail with a 5xx, and no answer that finishes
/// with stop or tool_calls may fail validation; most must come back valid. Written in our own words after the
/// keyword list of the JSON-Schema-Test-Suite.
/// </summary>
public sealed class StructuredOutputSweepTests(ServerWithModelsFixture fixture, ITestOutputHelper output) : IClassFixture<ServerWithModelsFixture>
{
    public static readonly TheoryData<string, string> Schemas = new()
    {
        { "type", """{"type":"integer"}""" },
        { "enum", """{"enum":["red","green","blue"]}""" },
        { "const", """{"const":{"a":1}}""" },
        { "properties", """{"type":"object","properties":{"name":{"type":"string","maxLength":8},"age":{"type":"integer"}}}""" },
        { "required", """{"type":"object","properties":{"id":{"type":"integer"},"note":{"type":"string","maxLength":4}},"required":["id"]}""" },
        { "items", """{"type":"array","items":{"type":"boolean"},"maxItems":4}""" },
        { "prefixItems", """{"type":"array","prefixItems":[{"type":"integer"},{"type":"boolean"}],"minItems":2,"maxItems":2}""" },
        { "minItems/maxItems", """{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3}""" },
        { "minLength/maxLength", """{"type":"string","minLength":2,"maxLength":6}""" },
        { "minimum/maximum", """{"type":"integer","minimum":0,"maximum":100}""" },
        { "exclusiveMinimum/exclusiveMaximum", """{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1000}""" },
        { "anyOf", """{"anyOf":[{"type":"string","maxLength":4},{"type":"integer"}]}""" },
        { "oneOf", """{"oneOf":[{"type":"boolean"},{"type":"null"}]}""" },
        { "allOf", """{"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"boolean"}},"required":["b"]}]}""" },
        { "additionalProperties", """{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"],"additionalProperties":false}""" },
        { "$defs/$ref", """{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}},"required":["x","y"]}},"$ref":"#/$defs/point"}""" },
        { "boolean schema", """{"type":"object","properties":{"anything":true},"required":["anything"]}""" },
        { "pattern", """{"type":"string","pattern":"^[a-z]+$","minLength":1,"maxLength":6}""" },
        { "minProperties/maxProperties", """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"minProperties":1,"maxProperties":2}""" },
        { "uniqueItems", """{"type":"array","items":{"type":"integer"},"maxItems":3,"uniqueItems":true}""" },
        { "not", """{"not":{"type":"string"}}""" },
        { "if/then/else", """{"type":"object","properties":{"kind":{"enum":["a","b"]},"n":{"type":"integer"}},"required":["kind","n"],"if":{"properties":{"kind":{"const":"a"}}},"then":{"properties":{"n":{"minimum":0}}},"else":{"properties":{"n":{"maximum":0}}}}""" },
        { "dependentRequired", """{"type":"object","properties":{"card":{"type":"string","maxLength":4},"cvv":{"type":"string","maxLength":3}},"dependentRequired":{"card":["cvv"]}}""" },
        { "propertyNames", """{"type":"object","properties":{"ab":{"type":"integer"},"abcdef":{"type":"integer"}},"propertyNames":{"maxLength":3}}""" },
    };

    private static readonly Dictionary<(string Keyword, bool AsTool), bool?> Outcomes = [];

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task As_response_format_no_answer_is_a_5xx_or_finishes_invalid(string keyword, string schema)
    {
        var request = Request();
        request["response_format"] = new { type = "json_schema", json_schema = new { name = "answer", schema = JsonNode.Parse(schema) } };

        var (status, body) = await SendAsync(request);

        var choice = Check(keyword, status, body);
        var valid = choice is { } c && Validates(schema, c.GetProperty("message").GetProperty("content").GetString()!);
        Record(keyword, false, status, valid);
        Assert.True(choice is null || valid, $"{keyword}: a finished answer does not validate: {body}");
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task As_forced_tool_parameters_no_call_is_a_5xx_or_finishes_invalid(string keyword, string schema)
    {
        // Tool parameters are objects: other schemas are the type of a required "value" argument.
        var parsed = JsonNode.Parse(schema)!;
        var parameters = parsed is JsonObject map && map["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "object"
            ? schema
            : Wrapped(parsed);
        var request = Request();
        request["tools"] = new[] { new { type = "function", function = new { name = "answer", parameters = JsonNode.Parse(parameters) } } };
        request["tool_choice"] = new { type = "function", function = new { name = "answer" } };

        var (status, body) = await SendAsync(request);

        var choice = Check(keyword, status, body);
        var valid = choice is { } c && Validates(parameters, c.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!);
        Record(keyword, true, status, valid);
        Assert.True(choice is null || valid, $"{keyword}: finished tool arguments do not validate: {body}");
    }

    [Fact]
    public async Task Most_requests_of_the_sweep_are_answered_with_valid_output()
    {
        // Runs the whole sweep itself, so the rate does not depend on which other tests ran first. With
        // STRATA_SCHEMA_SUITE naming the draft2020-12 folder of a JSON-Schema-Test-Suite checkout, the sweep takes the
        // suite's schemas for the keywords above instead of this table (the held-out measurement in docs/server.md).
        var schemas = HeldOutSchemas.FromEnvironment() ?? Schemas.Select(row => ((string)row[0], (string)row[1])).ToList();
        var valid = 0;
        var total = 0;
        var failures = new List<string>();
        var perKeyword = new SortedDictionary<string, (int Valid, int Total)>(StringComparer.Ordinal);
        foreach (var (keyword, schema) in schemas)
        {
            foreach (var asTool in new[] { false, true })
            {
                Outcomes.Remove((keyword, asTool));
                try
                {
                    if (asTool)
                    {
                        await As_forced_tool_parameters_no_call_is_a_5xx_or_finishes_invalid(keyword, schema);
                    }
                    else
                    {
                        await As_response_format_no_answer_is_a_5xx_or_finishes_invalid(keyword, schema);
                    }
                }
                catch (Xunit.Sdk.XunitException failure)
                {
                    // A 5xx or an invalid finished answer: counted, and the sweep goes on so the report is complete.
                    failures.Add(failure.Message);
                }

                total++;
                var ok = Outcomes.GetValueOrDefault((keyword, asTool)) == true;
                valid += ok ? 1 : 0;
                var group = keyword.Split(':')[0];
                var (v, t) = perKeyword.GetValueOrDefault(group);
                perKeyword[group] = (v + (ok ? 1 : 0), t + 1);
            }
        }

        foreach (var (group, (v, t)) in perKeyword)
        {
            output.WriteLine($"{group,-24} {v,3} of {t,3} valid");
        }

        output.WriteLine($"valid answers: {valid} of {total} ({100.0 * valid / total:F0} %); 5xx or invalid finished answers: {failures.Count}");
        Assert.Empty(failures);
        Assert.True(valid >= 0.6 * total, $"only {valid} of {total} requests were answered with valid output");
    }

    // "#/$defs/..." points from the document's root, so definitions move up with the wrapping.
    private static string Wrapped(JsonNode schema)
    {
        var definitions = schema is JsonObject map ? map["$defs"] : null;
        (schema as JsonObject)?.Remove("$defs");
        var wrapper = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["value"] = schema }, ["required"] = new JsonArray("value") };
        if (definitions is not null)
        {
            wrapper["$defs"] = definitions;
        }

        return wrapper.ToJsonString();
    }

    private static Dictionary<string, object?> Request() => new()
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["messages"] = new[] { new { role = "user", content = "answer in JSON" } },
        ["temperature"] = 0.8,
        ["seed"] = 11,
        ["max_tokens"] = 200,
    };

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(Dictionary<string, object?> request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // The choice of a finished 200 answer; null for a refusal (4xx) or an answer cut short by max_tokens.
    private static JsonElement? Check(string keyword, HttpStatusCode status, string body)
    {
        Assert.True((int)status < 500, $"{keyword}: {(int)status} {body}");
        if (status != HttpStatusCode.OK)
        {
            Assert.Contains("\"error\"", body, StringComparison.Ordinal);
            return null;
        }

        var choice = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0];
        return choice.GetProperty("finish_reason").GetString() is "stop" or "tool_calls" ? choice : null;
    }

    private static bool Validates(string schema, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonSchema.FromText(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }).Evaluate(document.RootElement).IsValid;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Record(string keyword, bool asTool, HttpStatusCode status, bool valid)
    {
        lock (Outcomes)
        {
            Outcomes[(keyword, asTool)] = valid;
        }

        output.WriteLine($"{keyword,-36} {(asTool ? "tool" : "response_format"),-16} {(int)status} {(valid ? "valid" : "-")}");
    }
}
