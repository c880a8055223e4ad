using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Server.Tests.OpenAi;

namespace Strata.Server.Tests.Security;

/// <summary>
/// Request bodies of the right JSON but the wrong shape (a number where an object goes, a blank model, a null record):
/// each is the client's mistake and answers 4xx, never 500. Every case named below was a 500 once; the sweep replaces
/// every field of a full request on each protocol with values of every other JSON type, as a fuzzer does.
/// </summary>
public sealed class WrongShapedRequestTests(WrongShapedRequestTests.UnthrottledServer fixture) : IClassFixture<WrongShapedRequestTests.UnthrottledServer>
{
    private const string Model = ServerWithModelsFixture.ChatModel;

    // A full request per route: every field the readers know, so the sweep reaches each of them.
    private static readonly Dictionary<string, string> FullRequests = new()
    {
        ["/v1/chat/completions"] = """
            {"model":"MODEL","max_tokens":2,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"}]},
             {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"tool_choice":{"type":"function","function":{"name":"f"}},
             "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}},"stop":["x"],"stream_options":{"include_usage":true},"n":1,"seed":1}
            """,
        ["/v1/responses"] = """
            {"model":"MODEL","max_output_tokens":2,"store":false,"instructions":"x","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]},
             {"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"r"}],
             "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"tool_choice":{"type":"function","name":"f"},
             "text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"}}}}
            """,
        ["/v1/messages"] = """
            {"model":"MODEL","max_tokens":2,"system":[{"type":"text","text":"s"}],"stop_sequences":["x"],"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]}],
             "tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"}}
            """,
        ["/api/chat"] = """
            {"model":"MODEL","stream":false,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"format":{"type":"object"},"options":{"num_predict":2,"stop":["x"]}}
            """,
        ["/v1/completions"] = """{"model":"MODEL","prompt":["a","b"],"max_tokens":2,"stop":["x"],"logprobs":1,"echo":true}""",
        ["/v1/embeddings"] = """{"model":"minilm","input":["a","b"],"dimensions":384,"encoding_format":"float"}""",
        ["/api/embed"] = """{"model":"minilm","input":["a","b"],"dimensions":384}""",
        ["/v1/rerank"] = """{"model":"minilm","query":"q","documents":["a","b"],"top_n":1,"return_documents":true}""",
    };

    // One value of each JSON type and the shapes the readers index into.
    private static readonly string[] WrongValues = ["null", "true", "-1", "1.5", "\"\"", "\"x\"", "[]", "[null]", "[1]", "{}", "{\"type\":1}"];

    public static TheoryData<string, string> NamedCases => new()
    {
        { "/v1/embeddings", """{"model":"","input":"hi"}""" },
        { "/v1/chat/completions", """{"model":" ","messages":[{"role":"user","content":"hi"}]}""" },
        { "/api/chat", """{"model":"","messages":[{"role":"user","content":"hi"}]}""" },
        { "/v1/responses", "[1, 2]" },
        { "/v1/responses", """{"model":"MODEL","input":[null]}""" },
        { "/v1/responses", """{"model":"MODEL","input":[{"type":"message","role":"user","content":[1]}]}""" },
        { "/v1/messages", """{"model":"MODEL","max_tokens":2,"messages":["a"]}""" },
        { "/v1/messages", """{"model":"MODEL","max_tokens":2,"messages":[{"role":"user","content":null}]}""" },
        { "/v1/messages", """{"model":"MODEL","max_tokens":2,"stop_sequences":[1],"messages":[{"role":"user","content":"hi"}]}""" },
        { "/v1/messages/count_tokens", """{"model":"MODEL","messages":[1, 2]}""" },
        { "/api/show", "\"x\"" },
        { "/api/chat", """{"model":"MODEL","messages":[{"role":"assistant","content":"","tool_calls":[1.5]}]}""" },
        { "/v1/chat/completions", """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":""}}]}""" },
        { "/v1/chat/completions", """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"tool_choice":true}""" },
        { "/v1/chat/completions", """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":"x"}}""" },
        { "/v1/embeddings", """{"model":"minilm","input":"hi","dimensions":-1}""" },
        { "/api/embed", """{"model":"minilm","input":"hi","dimensions":0}""" },
        { "/api/collections/wrong-shapes/records", """{"records":[null]}""" },
        { "/api/collections/wrong-shapes/records/delete", """{"ids":["a",null]}""" },
    };

    [Theory]
    [MemberData(nameof(NamedCases))]
    public async Task A_wrong_shaped_request_that_was_once_a_500_is_a_400(string route, string body)
    {
        await EnsureCollectionAsync();

        var (status, text) = await PostAsync(route, body);

        Assert.True(status == HttpStatusCode.BadRequest, $"{route} {body}: expected 400, got {(int)status}: {text}");
        Assert.DoesNotContain(" at Strata.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_field_of_every_protocol_replaced_by_a_value_of_the_wrong_type_is_answered_below_500()
    {
        var failures = new List<string>();
        foreach (var (route, full) in FullRequests)
        {
            var request = JsonNode.Parse(full)!;
            foreach (var path in FieldPaths(request))
            {
                foreach (var value in WrongValues)
                {
                    var mutated = Replace(request, path, JsonNode.Parse(value));
                    var (status, text) = await PostAsync(route, mutated.ToJsonString());
                    if ((int)status >= 500)
                    {
                        failures.Add($"{route} {string.Join('.', path)} = {value}: {(int)status} {text}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(string route, string body)
    {
        // The bodies above name the chat model as MODEL (raw JSON literals cannot interpolate it next to their braces).
        body = body.Replace("\"MODEL\"", $"\"{Model}\"", StringComparison.Ordinal);
        using var response = await fixture.Client.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task EnsureCollectionAsync()
    {
        using var response = await fixture.Client.PostAsync(
            new Uri("/api/collections", UriKind.Relative), new StringContent("""{"name":"wrong-shapes","dimension":3}""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    // Every object property and array item below the root, as a path of names and indexes.
    private static IEnumerable<object[]> FieldPaths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= [];
        IEnumerable<(object Key, JsonNode? Child)> children = node switch
        {
            JsonObject obj => obj.Select(p => ((object)p.Key, p.Value)),
            JsonArray array => array.Select((child, i) => ((object)i, child)),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            object[] path = [.. prefix, key];
            yield return path;
            if (child is not null)
            {
                foreach (var deeper in FieldPaths(child, path))
                {
                    yield return deeper;
                }
            }
        }
    }

    private static JsonNode Replace(JsonNode root, object[] path, JsonNode? value)
    {
        var copy = root.DeepClone();
        var parent = copy;
        foreach (var key in path[..^1])
        {
            parent = key is int index ? parent[index]! : parent[(string)key]!;
        }

        if (path[^1] is int last)
        {
            parent[last] = value;
        }
        else
        {
            parent[(string)path[^1]] = value;
        }

        return copy;
    }

    /// <summary>The shared test server without the per-client rate limit, which the sweep's thousands of requests would meet.</summary>
    public sealed class UnthrottledServer : ServerWithModelsFixture
    {
        /// <inheritdoc />
        protected override void AddSettings(IDictionary<string, string?> settings) => settings["Server:RateLimit:RequestsPerMinute"] = "0";
    }
}
