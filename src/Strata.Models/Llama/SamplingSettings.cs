using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// Maps <see cref="ChatOptions"/> onto llama.cpp's default sampler chain. Unset values take llama.cpp's own
/// defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05). M.E.AI has no min-p, so it is read from
/// <c>AdditionalProperties["min_p"]</c>. Temperature 0 is greedy decoding: with a fixed seed the text is the
/// same every time.
/// </summary>
internal static class SamplingSettings
{
    public const string MinPKey = "min_p";

    public static DefaultSamplingPipeline CreatePipeline(ChatOptions? options, string? grammar)
    {
        var minP = 0.05f;
        if (options?.AdditionalProperties?.TryGetValue(MinPKey, out float requested) == true)
        {
            minP = requested;
        }

        return new DefaultSamplingPipeline
        {
            Temperature = options?.Temperature ?? 0.8f,
            TopP = options?.TopP ?? 0.95f,
            TopK = options?.TopK ?? 40,
            MinP = minP,
            FrequencyPenalty = Penalty(options?.FrequencyPenalty, nameof(ChatOptions.FrequencyPenalty)),
            PresencePenalty = Penalty(options?.PresencePenalty, nameof(ChatOptions.PresencePenalty)),
            Seed = options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
            // LLamaSharp builds the sampler from this on the first token without checking llama.cpp's result; the
            // grammar has already passed GbnfGrammar and NativeGrammarCheck in LlamaRequest.Prepare.
            Grammar = grammar is null ? null : new Grammar(grammar, "root"),
        };
    }

    private static float Penalty(float? value, string name)
    {
        var penalty = value ?? 0;
        if (penalty is < -2 or > 2)
        {
            throw new ArgumentOutOfRangeException(name, penalty, $"{name} must be between -2 and 2");
        }

        return penalty;
    }
}
