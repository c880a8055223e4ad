using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;
using Strata.Server.Ollama;
using Strata.Server.Protocols;

namespace Strata.Server.Tests.Protocols;

/// <summary>
/// Every protocol's per-token event, written by hand, is byte for byte the event its serialised object gave before
/// (the objects below are the shapes the routes serialised per token), for texts that need escaping, non-ASCII text
/// and HTML-sensitive characters alike; so clients parse exactly the events they parsed before.
/// </summary>
public sealed class TextDeltaEventsTests
{
    public static TheoryData<string> Texts => ["Hello", " world", "h\u00e9llo \"quoted\" \\ back/slash", "\n\t\r\u0001\u001f", "<script>&'+`", "\U0001F600 \u4e2d\u6587", "\u2028\u2029\u007f"];

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task A_chat_completion_chunk_is_the_chunk_object_it_was(string text)
    {
        var expected = await EventsAsync(events => events.WriteAsync(
            new ChatCompletionChunk("chatcmpl-1\"x", 1767225600, "tiny:q8 \u00e9", [new ChatCompletionChunkChoice(2, new ChatCompletionDelta(Content: text), null)]), CancellationToken.None));
        var actual = await EventsAsync(events =>
        {
            new TextDeltaEvents.ChatCompletionChunks("chatcmpl-1\"x", 1767225600, "tiny:q8 \u00e9").Write(events, 2, text);
            return events.FlushAsync(CancellationToken.None);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task A_completion_chunk_is_the_chunk_object_it_was(string text)
    {
        var expected = await EventsAsync(events => events.WriteAsync(
            new { id = "cmpl-1", @object = "text_completion", created = 1767225600L, model = "tiny", choices = new[] { new { text, index = 1, logprobs = (CompletionLogProbabilities?)null, finish_reason = (string?)null } } },
            CancellationToken.None));
        var actual = await EventsAsync(events =>
        {
            new TextDeltaEvents.CompletionChunks("cmpl-1", 1767225600, "tiny").Write(events, 1, text);
            return events.FlushAsync(CancellationToken.None);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task An_anthropic_text_delta_is_the_event_object_it_was(string text)
    {
        var expected = await EventsAsync(events => events.WriteAsync("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text } }, CancellationToken.None));
        var actual = await EventsAsync(events =>
        {
            TextDeltaEvents.WriteAnthropicText(events, text);
            return events.FlushAsync(CancellationToken.None);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task A_responses_text_delta_is_the_event_object_it_was(string text)
    {
        var data = new JsonObject { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = text, ["logprobs"] = new JsonArray(), ["type"] = "response.output_text.delta", ["sequence_number"] = 7 };
        var expected = await EventsAsync(events => events.WriteAsync("response.output_text.delta", data, CancellationToken.None));
        var actual = await EventsAsync(events =>
        {
            new TextDeltaEvents.ResponseTextDeltas("msg_1").Write(events, text, 7);
            return events.FlushAsync(CancellationToken.None);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task An_ollama_line_is_the_line_object_it_was(string text)
    {
        foreach (var chat in new[] { true, false })
        {
            var answer = new OllamaAnswer("tiny:latest", chat, Stopwatch.StartNew());
            var expected = await LinesAsync(lines => lines.WriteAsync(answer.Delta(text), flush: true, CancellationToken.None));
            var actual = await LinesAsync(lines =>
            {
                lines.Write((answer, text), static (json, line) => line.answer.WriteDelta(json, line.text));
                return lines.FlushAsync(CancellationToken.None);
            });

            Assert.Equal(expected, actual);
            Assert.Equal(text, JsonDocument.Parse(actual).RootElement.GetProperty(chat ? "message" : "response") is var value && chat ? value.GetProperty("content").GetString() : value.GetString());
        }
    }

    private static async Task<string> EventsAsync(Func<ServerSentEvents, Task> write)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await write(new ServerSentEvents(context.Response));
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private static async Task<string> LinesAsync(Func<NdjsonWriter, Task> write)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await write(new NdjsonWriter(context.Response));
        return Encoding.UTF8.GetString(body.ToArray());
    }
}
