using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Responses;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// <c>/v1/responses</c> through OpenAI's .NET SDK (its ResponsesClient) and Microsoft.Extensions.AI's Responses
/// <see cref="IChatClient"/>, against a real server with the tiny model.
/// </summary>
public sealed class ResponsesEndpointTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
#pragma warning disable OPENAI001 // The Responses client is marked experimental in the SDK.
    private IChatClient Chat() => new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(fixture.Client.BaseAddress!, "/v1") })
        .GetResponsesClient().AsIChatClient(ServerWithModelsFixture.ChatModel);
#pragma warning restore OPENAI001

    private static ChatOptions Greedy(int maxTokens = 12) => new() { Temperature = 0, MaxOutputTokens = maxTokens };

    [Fact]
    public async Task A_message_with_instructions_is_answered_with_text_and_usage()
    {
        var response = await Chat().GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "hello world")], Greedy());

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 12);
        Assert.True(response.Usage?.InputTokenCount > 0);
        Assert.StartsWith("resp_", response.ResponseId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_events_build_the_same_text_as_the_whole_answer()
    {
        var whole = await Chat().GetResponseAsync("hello world", Greedy(16));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Chat().GetStreamingResponseAsync("hello world", Greedy(16)))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count(u => u.Text.Length > 0) > 1);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Raw_streamed_events_are_typed_and_numbered_in_order()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/responses", new { model = "tiny", input = "hello", stream = true, max_output_tokens = 6, temperature = 0 });

        var events = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();

        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], types.Take(4));
        Assert.Contains("response.output_text.delta", types);
        Assert.Contains(types[^1], new[] { "response.completed", "response.incomplete" });
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
    }

    [Fact]
    public async Task A_required_function_is_called_and_its_output_item_is_answered()
    {
        var weather = AIFunctionFactory.CreateDeclaration("get_weather", "The weather in a city.",
            JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string","maxLength":8}},"required":["city"]}""").RootElement);
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 60, Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather") };

        var first = await Chat().GetResponseAsync("weather in Paris?", options);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.True(call.Arguments!.ContainsKey("city"));

        List<ChatMessage> history = [new(ChatRole.User, "weather in Paris?"), .. first.Messages, new(ChatRole.Tool, [new FunctionResultContent(call.CallId, "Sunny")])];
        var second = await Chat().GetResponseAsync(history, Greedy());
        Assert.False(string.IsNullOrEmpty(second.Text));
    }

    [Fact]
    public async Task A_json_schema_text_format_is_answered_with_valid_json()
    {
        var options = Greedy(60);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}""").RootElement, "answer");

        var response = await Chat().GetResponseAsync("answer in JSON", options);

        Assert.Contains(JsonDocument.Parse(response.Text).RootElement.GetProperty("ok").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
    }

    [Fact]
    public async Task A_stored_response_continues_with_previous_response_id_and_can_be_read_and_deleted()
    {
        var first = await ResponseAsync(new { model = "tiny", input = "my name is Ada", max_output_tokens = 4, temperature = 0 });
        var id = first.GetProperty("id").GetString()!;
        var alone = await ResponseAsync(new { model = "tiny", input = "what is my name?", max_output_tokens = 4, temperature = 0 });
        var continued = await ResponseAsync(new { model = "tiny", input = "what is my name?", previous_response_id = id, max_output_tokens = 4, temperature = 0 });

        // The stored conversation is sent again before the new input, so the prompt is longer.
        Assert.True(continued.GetProperty("usage").GetProperty("input_tokens").GetInt32() > alone.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(id, continued.GetProperty("previous_response_id").GetString());
        Assert.True(File.Exists(Path.Combine(fixture.Server.Paths.Home, "responses", id + ".json")));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync(new Uri($"/v1/responses/{id}", UriKind.Relative))).StatusCode);

        var deleted = await fixture.Client.DeleteAsync(new Uri($"/v1/responses/{id}", UriKind.Relative));
        Assert.True(JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync(new Uri($"/v1/responses/{id}", UriKind.Relative))).StatusCode);
        var orphan = await fixture.Client.PostAsJsonAsync("/v1/responses", new { model = "tiny", input = "hi", previous_response_id = id });
        Assert.Equal(HttpStatusCode.NotFound, orphan.StatusCode);
    }

    [Fact]
    public async Task Unsupported_input_items_are_a_400_naming_them()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/responses", new
        {
            model = "tiny",
            input = new object[] { new { role = "user", content = new object[] { new { type = "input_image", image_url = "data:image/png;base64,AA==" } } } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("input_text", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> ResponseAsync(object request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/responses", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
