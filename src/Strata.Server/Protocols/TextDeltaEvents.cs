using System.Text.Json;
using Strata.Server.OpenAi;

namespace Strata.Server.Protocols;

/// <summary>
/// The per-token text events of every streaming protocol, written by hand: each token's event is the same few fields
/// around the new text, so the fixed values (ids, model, time) are encoded once per stream and each token writes only
/// its text into the response's buffer, with no object built or serialised for it. Every other event of a stream (its
/// start, tool calls, the end with usage) is rare and keeps its serialised object. The bytes equal what the
/// serialised objects gave (tests compare them), so clients see the same events as before.
/// </summary>
internal static class TextDeltaEvents
{
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    private static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText LogProbabilities = JsonEncodedText.Encode("logprobs");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ChatChunk = JsonEncodedText.Encode("chat.completion.chunk");
    private static readonly JsonEncodedText TextCompletion = JsonEncodedText.Encode("text_completion");
    private static readonly JsonEncodedText ContentBlockDelta = JsonEncodedText.Encode("content_block_delta");
    private static readonly JsonEncodedText TextDelta = JsonEncodedText.Encode("text_delta");
    private static readonly JsonEncodedText ItemId = JsonEncodedText.Encode("item_id");
    private static readonly JsonEncodedText OutputIndex = JsonEncodedText.Encode("output_index");
    private static readonly JsonEncodedText ContentIndex = JsonEncodedText.Encode("content_index");
    private static readonly JsonEncodedText OutputTextDelta = JsonEncodedText.Encode("response.output_text.delta");
    private static readonly JsonEncodedText SequenceNumber = JsonEncodedText.Encode("sequence_number");
    private static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("created_at");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    private static readonly JsonEncodedText Response = JsonEncodedText.Encode("response");
    private static readonly JsonEncodedText Done = JsonEncodedText.Encode("done");

    /// <summary>
    /// OpenAI's <c>chat.completion.chunk</c> with one choice's text, as <see cref="ChatCompletionChunk"/> serialises:
    /// <c>{"id","created","model","choices":[{"index","delta":{"content"},"finish_reason":null}],"object"}</c>.
    /// </summary>
    public sealed class ChatCompletionChunks(string id, long created, string model)
    {
        private readonly JsonEncodedText id = JsonEncodedText.Encode(id);
        private readonly JsonEncodedText model = JsonEncodedText.Encode(model);

        public void Write(ServerSentEvents events, int index, string text) =>
            events.Write(null, (Stream: this, Index: index, Text: text), static (json, s) => s.Stream.WriteJson(json, s.Index, s.Text));

        private void WriteJson(Utf8JsonWriter json, int index, string text)
        {
            json.WriteStartObject();
            json.WriteString(Id, id);
            json.WriteNumber(Created, created);
            json.WriteString(Model, model);
            json.WriteStartArray(Choices);
            json.WriteStartObject();
            json.WriteNumber(Index, index);
            json.WriteStartObject(Delta);
            json.WriteString(Content, text);
            json.WriteEndObject();
            json.WriteNull(FinishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteString(Object, ChatChunk);
            json.WriteEndObject();
        }
    }

    /// <summary>
    /// The legacy <c>text_completion</c> chunk with one prompt's text and no log probabilities:
    /// <c>{"id","object","created","model","choices":[{"text","index","logprobs":null,"finish_reason":null}]}</c>.
    /// </summary>
    public sealed class CompletionChunks(string id, long created, string model)
    {
        private readonly JsonEncodedText id = JsonEncodedText.Encode(id);
        private readonly JsonEncodedText model = JsonEncodedText.Encode(model);

        public void Write(ServerSentEvents events, int index, string text) =>
            events.Write(null, (Stream: this, Index: index, Text: text), static (json, s) => s.Stream.WriteJson(json, s.Index, s.Text));

        private void WriteJson(Utf8JsonWriter json, int index, string text)
        {
            json.WriteStartObject();
            json.WriteString(Id, id);
            json.WriteString(Object, TextCompletion);
            json.WriteNumber(Created, created);
            json.WriteString(Model, model);
            json.WriteStartArray(Choices);
            json.WriteStartObject();
            json.WriteString(Text, text);
            json.WriteNumber(Index, index);
            json.WriteNull(LogProbabilities);
            json.WriteNull(FinishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    /// <summary>Anthropic's <c>content_block_delta</c> of the text block: <c>{"type","index":0,"delta":{"type":"text_delta","text"}}</c>.</summary>
    public static void WriteAnthropicText(ServerSentEvents events, string text) =>
        events.Write("content_block_delta", text, static (json, text) =>
        {
            json.WriteStartObject();
            json.WriteString(Type, ContentBlockDelta);
            json.WriteNumber(Index, 0);
            json.WriteStartObject(Delta);
            json.WriteString(Type, TextDelta);
            json.WriteString(Text, text);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    /// <summary>
    /// The Responses API's <c>response.output_text.delta</c> of the message's one text part:
    /// <c>{"item_id","output_index":0,"content_index":0,"delta","logprobs":[],"type","sequence_number"}</c>.
    /// </summary>
    public sealed class ResponseTextDeltas(string itemId)
    {
        private readonly JsonEncodedText itemId = JsonEncodedText.Encode(itemId);

        public void Write(ServerSentEvents events, string text, int sequenceNumber) =>
            events.Write("response.output_text.delta", (Stream: this, Text: text, Sequence: sequenceNumber), static (json, s) => s.Stream.WriteJson(json, s.Text, s.Sequence));

        private void WriteJson(Utf8JsonWriter json, string text, int sequenceNumber)
        {
            json.WriteStartObject();
            json.WriteString(ItemId, itemId);
            json.WriteNumber(OutputIndex, 0);
            json.WriteNumber(ContentIndex, 0);
            json.WriteString(Delta, text);
            json.WriteStartArray(LogProbabilities);
            json.WriteEndArray();
            json.WriteString(Type, OutputTextDelta);
            json.WriteNumber(SequenceNumber, sequenceNumber);
            json.WriteEndObject();
        }
    }

    /// <summary>
    /// Ollama's line of one text piece: <c>{"model","created_at","message":{"role":"assistant","content"},"done":false}</c>
    /// for chat, <c>{"model","created_at","response","done":false}</c> for generate.
    /// </summary>
    public sealed class OllamaLines(string model, string createdAt, bool chat)
    {
        private readonly JsonEncodedText model = JsonEncodedText.Encode(model);
        private readonly JsonEncodedText createdAt = JsonEncodedText.Encode(createdAt);

        public void WriteJson(Utf8JsonWriter json, string text)
        {
            json.WriteStartObject();
            json.WriteString(Model, model);
            json.WriteString(CreatedAt, createdAt);
            if (chat)
            {
                json.WriteStartObject(Message);
                json.WriteString(Role, Assistant);
                json.WriteString(Content, text);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString(Response, text);
            }

            json.WriteBoolean(Done, false);
            json.WriteEndObject();
        }
    }
}
