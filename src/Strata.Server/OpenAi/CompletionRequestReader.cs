using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>A parsed <c>POST /v1/completions</c> body.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Prompts">One completion is made per prompt.</param>
/// <param name="Options">Sampling and limits; the prompt is sent without a chat template.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="Echo">Whether each completion starts with its prompt.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk.</param>
/// <param name="LogProbabilities">When set (<c>logprobs</c>, 0 to 5), each choice reports its tokens' log probabilities and this many alternatives.</param>
public sealed record CompletionRequest(string Model, IReadOnlyList<string> Prompts, ChatOptions Options, bool Stream, bool Echo, bool IncludeUsage, int? LogProbabilities = null);

/// <summary>
/// Reads OpenAI's legacy text completion request. What cannot be honoured is refused by name with a 400, never
/// dropped: <c>suffix</c>, <c>best_of</c> above 1, <c>n</c> above 1, <c>logprobs</c> with <c>echo</c> (the prompt's own tokens
/// are not scored), token-array prompts.
/// </summary>
public static class CompletionRequestReader
{
    /// <summary>OpenAI's default when <c>max_tokens</c> is left out.</summary>
    public const int DefaultMaxTokens = 16;

    /// <summary>Parses and validates <paramref name="body"/>.</summary>
    /// <exception cref="OpenAiRequestException">The request is invalid or asks for what is not supported; the message names the field.</exception>
    public static CompletionRequest Read(JsonElement body, RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        Refuse(body, "suffix", value => value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0, "inserting text before a suffix is not supported");
        Refuse(body, "best_of", value => value.ValueKind == JsonValueKind.Number && value.GetInt32() == 1, "only best_of = 1 is supported");
        Refuse(body, "n", value => value.ValueKind == JsonValueKind.Number && value.GetInt32() == 1, "only n = 1 is supported");
        Refuse(body, "logit_bias", value => value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any(), "logit_bias is not supported");

        var model = JsonFields.RequiredModel(body);
        var prompts = Prompts(body, limits);
        var options = new ChatOptions
        {
            ModelId = model,
            Temperature = (float?)ChatCompletionRequestReader.InRange(body, "temperature", 0, 2),
            TopP = (float?)ChatCompletionRequestReader.InRange(body, "top_p", 0, 1),
            FrequencyPenalty = (float?)ChatCompletionRequestReader.InRange(body, "frequency_penalty", -2, 2),
            PresencePenalty = (float?)ChatCompletionRequestReader.InRange(body, "presence_penalty", -2, 2),
            Seed = JsonFields.Integer(body, "seed"),
            MaxOutputTokens = ChatCompletionRequestReader.MaxTokens(body, limits) ?? Math.Min(DefaultMaxTokens, limits.MaxOutputTokens),
            StopSequences = ChatCompletionRequestReader.Stop(body),
            AdditionalProperties = new() { [LlamaChatOptionKeys.RawPrompt] = true },
        };
        var includeUsage = body.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && JsonFields.Boolean(streamOptions, "include_usage");
        var echo = JsonFields.Boolean(body, "echo");
        var logProbabilities = JsonFields.Integer(body, "logprobs");
        if (logProbabilities is < 0 or > 5)
        {
            throw new OpenAiRequestException("'logprobs' must be between 0 and 5.", "logprobs", "invalid_value");
        }

        if (logProbabilities is not null && echo)
        {
            throw new OpenAiRequestException("'logprobs' with 'echo': the prompt's own tokens are not scored on this server.", "logprobs", "unsupported_parameter");
        }

        if (logProbabilities is { } top)
        {
            options.AdditionalProperties[LlamaChatOptionKeys.TopLogProbabilities] = (int)top;
        }

        return new CompletionRequest(model, prompts, options, JsonFields.Boolean(body, "stream"), echo, includeUsage, (int?)logProbabilities);
    }

    private static List<string> Prompts(JsonElement body, RequestLimits limits)
    {
        if (!body.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
        {
            throw new OpenAiRequestException("'prompt' is required.", "prompt", "missing_required_parameter");
        }

        var prompts = prompt.ValueKind switch
        {
            JsonValueKind.String => [prompt.GetString()!],
            JsonValueKind.Array => prompt.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new OpenAiRequestException("'prompt' must be a string or an array of strings; token arrays are not supported.", "prompt", "invalid_type")).ToList(),
            _ => throw JsonFields.Invalid("prompt", "a string or an array of strings"),
        };
        if (prompts.Count == 0 || prompts.Count > limits.MaxEmbeddingInputs)
        {
            throw new OpenAiRequestException($"'prompt' must hold between 1 and {limits.MaxEmbeddingInputs} strings.", "prompt", "invalid_value");
        }

        if (prompts.Sum(p => (long)p.Length) > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"The prompts hold more than {limits.MaxPromptCharacters} characters, this server's limit.", "prompt", "prompt_too_large");
        }

        return prompts;
    }

    // A field is refused unless it is absent, null, or the one value that asks for nothing.
    private static void Refuse(JsonElement body, string name, Func<JsonElement, bool> harmless, string reason)
    {
        if (body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !harmless(value))
        {
            throw new OpenAiRequestException($"'{name}': {reason} on this server.", name, "unsupported_parameter");
        }
    }
}
