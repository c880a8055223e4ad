using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.Ollama;

/// <summary>
/// The objects of one Ollama answer: chat answers carry a <c>message</c>, generate answers a <c>response</c> string;
/// the last object has <c>done: true</c>, <c>done_reason</c> and the token counts and durations (nanoseconds).
/// </summary>
internal sealed class OllamaAnswer(string model, bool chat, Stopwatch clock)
{
    private readonly string created = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
    private Protocols.TextDeltaEvents.OllamaLines? lines;

    /// <summary>
    /// Writes what <see cref="Delta"/> would serialise, by hand: the per-token line, with the model and time encoded
    /// once per answer.
    /// </summary>
    public void WriteDelta(Utf8JsonWriter json, string text) => (lines ??= new(model, created, chat)).WriteJson(json, text);

    public Dictionary<string, object?> Loaded()
    {
        var line = Text("");
        line["done"] = true;
        line["done_reason"] = "load";
        return line;
    }

    public Dictionary<string, object?> Unloaded()
    {
        var line = Loaded();
        line["done_reason"] = "unload";
        return line;
    }

    public Dictionary<string, object?> Delta(string text)
    {
        var line = Text(text);
        line["done"] = false;
        return line;
    }

    public Dictionary<string, object?> Calls(IEnumerable<FunctionCallContent> calls)
    {
        var line = Text("", calls);
        line["done"] = false;
        return line;
    }

    public Dictionary<string, object?> Whole(ChatResponse response)
    {
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        var line = Text(response.Text, calls);
        return Finish(line, response.FinishReason, response.Usage);
    }

    public Dictionary<string, object?> Done(ChatFinishReason finish, UsageDetails? usage) => Finish(Text(""), finish, usage);

    private Dictionary<string, object?> Finish(Dictionary<string, object?> line, ChatFinishReason? finish, UsageDetails? usage)
    {
        var total = clock.Elapsed.Ticks * 100;
        line["done"] = true;
        line["done_reason"] = finish == ChatFinishReason.Length ? "length" : "stop";
        line["total_duration"] = total;
        line["load_duration"] = 0L;
        line["prompt_eval_count"] = usage?.InputTokenCount ?? 0;
        line["prompt_eval_duration"] = 0L;
        line["eval_count"] = usage?.OutputTokenCount ?? 0;
        line["eval_duration"] = total;
        return line;
    }

    private Dictionary<string, object?> Text(string text, IEnumerable<FunctionCallContent>? calls = null)
    {
        var line = new Dictionary<string, object?> { ["model"] = model, ["created_at"] = created };
        if (!chat)
        {
            line["response"] = text;
            return line;
        }

        var message = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = text };
        var list = calls?.Select(call => new { function = new { name = call.Name, arguments = Arguments(call) } }).ToList();
        if (list is { Count: > 0 })
        {
            message["tool_calls"] = list;
        }

        line["message"] = message;
        return line;
    }

    // Ollama sends arguments as an object; a call cut short by the token limit has none yet.
    private static object Arguments(FunctionCallContent call) =>
        PartialToolCall.ArgumentsText(call) is not null ? new Dictionary<string, object?>() : call.Arguments ?? new Dictionary<string, object?>();
}
