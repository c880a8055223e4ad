using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Server.OpenAi;

/// <summary>Turns Microsoft.Extensions.AI results into OpenAI's wire objects.</summary>
public static class OpenAiResponses
{
    /// <summary>A <c>chat.completion</c> for <paramref name="response"/>.</summary>
    public static ChatCompletion ToChatCompletion(ChatResponse response, string model) => ToChatCompletion([response], model, null);

    /// <summary>
    /// A <c>chat.completion</c> with one choice per response (<c>n</c>), each with its tokens' log probabilities when
    /// <paramref name="logProbabilities"/> has them; the prompt is counted once, the completions of all choices together.
    /// </summary>
    public static ChatCompletion ToChatCompletion(IReadOnlyList<ChatResponse> responses, string model, IReadOnlyList<IReadOnlyList<Strata.Models.Llama.TokenLogProbability>>? logProbabilities)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var first = responses[0];
        var choices = responses.Select((response, index) =>
        {
            var contents = response.Messages.SelectMany(message => message.Contents).ToList();
            var toolCalls = ToToolCalls(contents.OfType<FunctionCallContent>(), withIndex: false);
            var logProbs = logProbabilities is null ? null : new ChatLogProbabilities(logProbabilities[index].Select(ChatTokenLogProbability.From).ToList());
            return new ChatCompletionChoice(index, new ChatCompletionMessage("assistant", toolCalls is null ? response.Text : NullIfEmpty(response.Text), toolCalls),
                FinishReason(response.FinishReason), logProbs);
        }).ToList();
        return new ChatCompletion(
            first.ResponseId ?? NewId(),
            (first.CreatedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            first.ModelId ?? model,
            choices,
            SumUsage(responses.Select(response => response.Usage).ToList()));
    }

    /// <summary>The usage of n choices of one prompt: the prompt once, every choice's completion tokens.</summary>
    public static CompletionUsage? SumUsage(IReadOnlyList<UsageDetails?> usages)
    {
        ArgumentNullException.ThrowIfNull(usages);
        if (usages.Count == 1 || usages.All(usage => usage is null))
        {
            return ToUsage(usages[0]);
        }

        var prompt = usages.FirstOrDefault(usage => usage is not null)?.InputTokenCount ?? 0;
        var completion = usages.Sum(usage => usage?.OutputTokenCount ?? 0);
        return new CompletionUsage(prompt, completion, prompt + completion);
    }

    /// <summary>OpenAI's name for a finish reason.</summary>
    public static string? FinishReason(ChatFinishReason? reason) =>
        reason is null ? null
        : reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";

    /// <summary>OpenAI's usage object, or null when the model reported none.</summary>
    public static CompletionUsage? ToUsage(UsageDetails? usage) => usage is null ? null : new CompletionUsage(
        usage.InputTokenCount ?? 0,
        usage.OutputTokenCount ?? 0,
        usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)));

    /// <summary>Tool calls in OpenAI's shape (arguments as a JSON string), or null when there are none.</summary>
    public static IReadOnlyList<ToolCall>? ToToolCalls(IEnumerable<FunctionCallContent> calls, bool withIndex)
    {
        var list = calls.Select((call, i) => new ToolCall(
            call.CallId,
            new ToolCallFunction(call.Name, ArgumentsJson(call)),
            withIndex ? i : null)).ToList();
        return list.Count == 0 ? null : list;
    }

    /// <summary>
    /// A call's arguments as JSON text; for a call the token limit cut short, the unfinished text as generated
    /// (the finish reason says <c>length</c>, as OpenAI's API does).
    /// </summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Strata.Models.Llama.PartialToolCall.ArgumentsText(call) ?? JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
    }

    /// <summary>An embeddings list; <paramref name="base64"/> encodes each vector as little-endian float32 bytes.</summary>
    public static EmbeddingList ToEmbeddingList(GeneratedEmbeddings<Embedding<float>> embeddings, string model, bool base64)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var items = embeddings.Select((embedding, i) => new EmbeddingItem(
            i,
            base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(embedding.Vector.Span)) : embedding.Vector.ToArray())).ToList();
        var tokens = embeddings.Usage?.InputTokenCount ?? 0;
        return new EmbeddingList(items, model, new EmbeddingUsage(tokens, embeddings.Usage?.TotalTokenCount ?? tokens));
    }

    /// <summary>A fresh completion id.</summary>
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
