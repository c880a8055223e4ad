using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// Each case is a failure a real client met: a 500 where the client had erred, a tool call shown as text, routes the
/// SDKs call that were missing, and Anthropic fields that were always zero or null.
/// </summary>
public sealed class ProtocolFixesTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    private static readonly object WeatherTool = new
    {
        type = "function",
        function = new
        {
            name = "get_weather",
            description = "The weather in a city.",
            parameters = new { type = "object", properties = new { city = new { type = "string" } }, required = new[] { "city" } },
        },
    };

    private static Dictionary<string, object?> Chat(int maxTokens, bool stream = false) => new()
    {
        ["model"] = ServerWithModelsFixture.ChatModel,
        ["messages"] = new[] { new { role = "user", content = "weather in Johannesburg?" } },
        ["temperature"] = 0,
        ["seed"] = 3,
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
    };

    [Fact]
    public async Task Embeddings_with_another_width_are_a_400_naming_the_models_width()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = "hello", dimensions = 768 });

        var error = await OpenAiErrorOf(response, HttpStatusCode.BadRequest);
        Assert.Contains("384", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("dimensions", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_tool_choice_naming_an_undeclared_function_is_a_400_naming_it()
    {
        var request = Chat(8);
        request["tools"] = new[] { WeatherTool };
        request["tool_choice"] = new { type = "function", function = new { name = "get_time" } };

        var error = await OpenAiErrorOf(await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request), HttpStatusCode.BadRequest);

        Assert.Contains("'get_time'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("tool_choice", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_forced_tool_call_cut_short_by_max_tokens_is_a_tool_call_with_finish_reason_length()
    {
        var request = Chat(6);
        request["tools"] = new[] { WeatherTool };
        request["tool_choice"] = new { type = "function", function = new { name = "get_weather" } };

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, call.GetProperty("arguments").ValueKind);
        // The unfinished text as generated, as OpenAI answers: never a complete "{}" (which a call through a runner once
        // became, its text lost on the channel), which a client would run as a call with no arguments.
        Assert.False(IsJsonObject(call.GetProperty("arguments").GetString()!), call.GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task A_call_cut_short_sent_back_with_its_result_continues_the_conversation_on_both_openai_apis()
    {
        // What an agent loop (Semantic Kernel's auto-invocation) sends after a call the token limit cut short: the
        // call's unfinished arguments as Strata answered them, then the tool's result. OpenAI keeps such text as it is.
        var chat = Chat(4);
        chat["messages"] = new object[]
        {
            new { role = "user", content = "weather?" },
            new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = "{\"city\":\"Johann" } } } },
            new { role = "tool", tool_call_id = "call_1", content = "sunny" },
        };
        chat["tools"] = new[] { WeatherTool };
        var responses = new Dictionary<string, object?>
        {
            ["model"] = ServerWithModelsFixture.ChatModel,
            ["max_output_tokens"] = 4,
            ["input"] = new object[]
            {
                new { type = "message", role = "user", content = "weather?" },
                new { type = "function_call", call_id = "call_1", name = "get_weather", arguments = "{\"city\":\"Johann" },
                new { type = "function_call_output", call_id = "call_1", output = "sunny" },
            },
        };

        var chatAnswer = await fixture.Client.PostAsJsonAsync("/v1/chat/completions", chat);
        var responsesAnswer = await fixture.Client.PostAsJsonAsync("/v1/responses", responses);

        Assert.True(chatAnswer.StatusCode == HttpStatusCode.OK, await chatAnswer.Content.ReadAsStringAsync());
        Assert.True(responsesAnswer.StatusCode == HttpStatusCode.OK, await responsesAnswer.Content.ReadAsStringAsync());
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_streamed_forced_tool_call_cut_short_sends_no_text_and_finishes_with_length()
    {
        var request = Chat(6, stream: true);
        request["tools"] = new[] { WeatherTool };
        request["tool_choice"] = "required";

        var chunks = (await (await fixture.Client.PostAsJsonAsync("/v1/chat/completions", request)).Content.ReadAsStringAsync())
            .Split('\n').Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line[6..]).RootElement.GetProperty("choices")).Where(choices => choices.GetArrayLength() > 0)
            .Select(choices => choices[0]).ToList();

        Assert.All(chunks, chunk => Assert.True(!chunk.GetProperty("delta").TryGetProperty("content", out var text) || text.GetString() is null or ""));
        Assert.Contains(chunks, chunk => chunk.GetProperty("delta").TryGetProperty("tool_calls", out var calls)
            && calls[0].GetProperty("function").GetProperty("name").GetString() == "get_weather");
        Assert.Equal("length", chunks[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task The_openai_sdk_retrieves_a_model_and_every_listed_model_says_what_it_can_do()
    {
        var models = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(fixture.Client.BaseAddress!, "/v1") })
            .GetOpenAIModelClient();

        var tiny = await models.GetModelAsync(ServerWithModelsFixture.ChatModel);
        Assert.Equal(ServerWithModelsFixture.ChatModel, tiny.Value.Id);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("no-such-model"));
        Assert.Equal(404, missing.Status);

        var list = JsonDocument.Parse(await fixture.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative))).RootElement.GetProperty("data");
        var capabilities = list.EnumerateArray().ToDictionary(
            model => model.GetProperty("id").GetString()!,
            model => model.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList());
        Assert.Contains("chat", capabilities[ServerWithModelsFixture.ChatModel]);
        Assert.Equal(["embeddings"], capabilities["minilm"]);
    }

    [Fact]
    public async Task An_unknown_v1_route_is_a_404_with_an_openai_error_body()
    {
        var error = await OpenAiErrorOf(await fixture.Client.PostAsJsonAsync("/v1/assistants", new { }), HttpStatusCode.NotFound);

        Assert.Contains("/v1/assistants", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/messages", """{"model":"tiny","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error")]
    [InlineData("/v1/messages", """{"model":"no-such-model","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.NotFound, "not_found_error")]
    [InlineData("/v1/messages/batches", "{}", HttpStatusCode.NotFound, "not_found_error")]
    public async Task Errors_on_the_messages_routes_have_anthropics_shape(string route, string body, HttpStatusCode status, string type)
    {
        var response = await fixture.Client.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(type, root.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Count_tokens_counts_the_rendered_prompt_and_the_stream_reports_the_same_input_tokens()
    {
        var shortCount = await CountTokensAsync("hi");
        var longCount = await CountTokensAsync("hi, tell me a story about a dragon and a castle by the sea");
        Assert.InRange(shortCount, 1, longCount - 1);

        var events = await AnthropicStreamAsync(new { model = "tiny", max_tokens = 4, stream = true, messages = new[] { new { role = "user", content = "hi" } } });

        var start = events.First(e => e.GetProperty("type").GetString() == "message_start");
        Assert.Equal(shortCount, start.GetProperty("message").GetProperty("usage").GetProperty("input_tokens").GetInt32());
        var delta = events.First(e => e.GetProperty("type").GetString() == "message_delta");
        Assert.Equal(shortCount, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task A_stop_sequence_hit_is_reported_as_stop_sequence_with_the_sequence()
    {
        // The tiny model's greedy answer is fixed, so a piece of it is a stop sequence the second request must hit.
        var first = await AnthropicMessageAsync(new { model = "tiny", max_tokens = 24, temperature = 0, messages = new[] { new { role = "user", content = "hello" } } });
        var text = first.GetProperty("content")[0].GetProperty("text").GetString()!;
        var stop = text.Substring(4, 3);

        var second = await AnthropicMessageAsync(new { model = "tiny", max_tokens = 24, temperature = 0, stop_sequences = new[] { stop }, messages = new[] { new { role = "user", content = "hello" } } });

        Assert.True(second.GetProperty("stop_reason").GetString() == "stop_sequence", $"first: {first}; second: {second}");
        Assert.Equal(stop, second.GetProperty("stop_sequence").GetString());
        Assert.DoesNotContain(stop, second.GetProperty("content")[0].GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_forced_tool_call_opens_no_text_block()
    {
        var events = await AnthropicStreamAsync(new
        {
            model = "tiny",
            max_tokens = 60,
            stream = true,
            messages = new[] { new { role = "user", content = "weather?" } },
            tools = new[] { new { name = "get_weather", input_schema = new { type = "object", properties = new { city = new { type = "string", maxLength = 8 } } } } },
            tool_choice = new { type = "tool", name = "get_weather" },
        });

        var blocks = events.Where(e => e.GetProperty("type").GetString() == "content_block_start").ToList();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, block => Assert.Equal("tool_use", block.GetProperty("content_block").GetProperty("type").GetString()));
        Assert.Equal(0, blocks[0].GetProperty("index").GetInt32());
    }

    private async Task<int> CountTokensAsync(string text)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/messages/count_tokens", new { model = "tiny", messages = new[] { new { role = "user", content = text } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32();
    }

    private async Task<JsonElement> AnthropicMessageAsync(object request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/messages", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<List<JsonElement>> AnthropicStreamAsync(object request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/messages", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(line => line.StartsWith("data: ", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line[6..]).RootElement).ToList();
    }

    private static async Task<JsonElement> OpenAiErrorOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
    }
}
