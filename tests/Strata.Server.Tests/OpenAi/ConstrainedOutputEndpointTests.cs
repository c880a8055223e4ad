using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// Requests whose output is constrained by a grammar (tools, JSON schemas) are answered, or refused with a 400 that
/// says why; none takes the server down. A tool without parameters and an enum-only schema once made a grammar that
/// llama.cpp refused, and the server died on the next sampled token.
/// </summary>
public sealed class ConstrainedOutputEndpointTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private static Dictionary<string, object?> Request(int maxTokens, bool stream = false) => new()
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["messages"] = new[] { new { role = "user", content = "what time is it" } },
        ["temperature"] = 0,
        ["seed"] = 7,
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_required_call_of_a_tool_without_parameters_is_answered_and_the_server_stays_up(bool stream)
    {
        var request = Request(80, stream);
        request["tools"] = new object[]
        {
            new { type = "function", function = new { name = "now", description = "The current time.", parameters = new { type = "object", properties = new { } } } },
            new { type = "function", function = new { name = "today" } },
        };
        request["tool_choice"] = "required";

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var call = stream ? StreamedToolCall(body) : JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
            Assert.Contains(call.GetProperty("function").GetProperty("name").GetString(), new[] { "now", "today" });
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.ValueKind);
        }
        else
        {
            AssertRefusalWithReason(response.StatusCode, body, "now");
        }

        await AssertServerStillAnswers();
    }

    [Fact]
    public async Task An_enum_only_response_format_is_answered_with_one_of_its_values()
    {
        var request = Request(20);
        request["response_format"] = new
        {
            type = "json_schema",
            json_schema = new { name = "color", schema = new { @enum = new object?[] { "red", "green", 3, null } } },
        };

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var content = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            Assert.Contains(JsonDocument.Parse(content).RootElement.GetRawText(), new[] { "\"red\"", "\"green\"", "3", "null" });
        }
        else
        {
            AssertRefusalWithReason(response.StatusCode, body, "enum");
        }

        await AssertServerStillAnswers();
    }

    [Fact]
    public async Task A_const_only_response_format_is_answered_with_its_value()
    {
        var request = Request(20);
        request["response_format"] = new { type = "json_schema", json_schema = new { name = "ok", schema = new { @const = "ok" } } };

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("\"ok\"", body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Trim());
    }

    [Fact]
    public async Task A_tool_schema_that_cannot_be_constrained_gets_400_naming_the_tool()
    {
        var request = Request(20);
        request["tools"] = new object[]
        {
            new { type = "function", function = new { name = "walk_tree", parameters = JsonDocument.Parse("""{"type":"object","properties":{"next":{"$ref":"#"}}}""").RootElement } },
        };
        request["tool_choice"] = "required";

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        AssertRefusalWithReason(response.StatusCode, await response.Content.ReadAsStringAsync(), "tool 'walk_tree'");
        await AssertServerStillAnswers();
    }

    [Fact]
    public async Task A_response_schema_with_impossible_bounds_gets_400_naming_the_keyword()
    {
        var request = Request(20);
        request["response_format"] = new
        {
            type = "json_schema",
            json_schema = new { name = "list", schema = new { type = "array", minItems = 5, maxItems = 2 } },
        };

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        AssertRefusalWithReason(response.StatusCode, await response.Content.ReadAsStringAsync(), "minItems");
        await AssertServerStillAnswers();
    }

    private static void AssertRefusalWithReason(HttpStatusCode status, string body, string fragment)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(fragment, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static JsonElement StreamedToolCall(string events)
    {
        var chunks = events.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement);
        return chunks.Where(chunk => chunk.GetProperty("choices").GetArrayLength() > 0)
            .Select(chunk => chunk.GetProperty("choices")[0].GetProperty("delta"))
            .First(delta => delta.TryGetProperty("tool_calls", out _))
            .GetProperty("tool_calls")[0];
    }

    private async Task AssertServerStillAnswers()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        var plain = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", Request(4));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }
}
