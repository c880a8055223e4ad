using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>A choice's <c>logprobs</c> object in chat completions: one entry per generated token.</summary>
public sealed record ChatLogProbabilities(
    [property: JsonPropertyName("content")] IReadOnlyList<ChatTokenLogProbability> Content)
{
    /// <summary>Always null: Strata's models do not refuse in a separate channel.</summary>
    [JsonPropertyName("refusal")]
    public IReadOnlyList<ChatTokenLogProbability>? Refusal => null;

    /// <summary>The log probabilities <paramref name="properties"/> carry under <paramref name="key"/>; null when none.</summary>
    public static ChatLogProbabilities? From(AdditionalPropertiesDictionary? properties, string key) =>
        TokenLogProbability.Read(properties, key) is { } tokens ? new ChatLogProbabilities(tokens.Select(ChatTokenLogProbability.From).ToList()) : null;
}

/// <summary>One token of <see cref="ChatLogProbabilities"/>: its text, log probability, bytes and the top alternatives.</summary>
public sealed record ChatTokenLogProbability(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] double LogProbability,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int> Bytes,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<ChatTopLogProbability> Top)
{
    /// <summary>The wire form of a token the runtime reported.</summary>
    public static ChatTokenLogProbability From(TokenLogProbability token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Token, token.LogProbability, token.Bytes.Select(b => (int)b).ToList(),
            token.Top.Select(alternative => new ChatTopLogProbability(alternative.Token, alternative.LogProbability, alternative.Bytes.Select(b => (int)b).ToList())).ToList());
    }
}

/// <summary>One alternative of <see cref="ChatTokenLogProbability.Top"/>.</summary>
public sealed record ChatTopLogProbability(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] double LogProbability,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int> Bytes);
