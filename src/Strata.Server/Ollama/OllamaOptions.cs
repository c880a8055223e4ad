using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's <c>options</c> object: temperature, top_p, top_k, min_p, seed, num_predict, stop, frequency and presence
/// penalties map onto <see cref="ChatOptions"/>. <c>num_ctx</c> limits this request's context (prompt + output) to
/// fewer tokens than the model's context (<c>Models:Llama:ContextSize</c>, capped at the model's trained size); a larger
/// value gets the model's context, as the model cannot hold more. Runner options Ollama itself ignores on other back
/// ends (num_gpu, num_thread, ...) are ignored here too.
/// </summary>
internal static class OllamaOptions
{
    public static void Apply(JsonElement body, ChatOptions options, RequestLimits limits)
    {
        if (!body.TryGetProperty("options", out var values) || values.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (values.ValueKind != JsonValueKind.Object)
        {
            throw JsonFields.Invalid("options", "an object");
        }

        options.Temperature = (float?)InRange(values, "temperature", 0, 2);
        options.TopP = (float?)InRange(values, "top_p", 0, 1);
        options.TopK = (int?)JsonFields.Integer(values, "top_k");
        options.Seed = JsonFields.Integer(values, "seed");
        options.FrequencyPenalty = (float?)InRange(values, "frequency_penalty", -2, 2);
        options.PresencePenalty = (float?)InRange(values, "presence_penalty", -2, 2);
        if (InRange(values, "min_p", 0, 1) is { } minP)
        {
            (options.AdditionalProperties ??= [])["min_p"] = (float)minP;
        }

        // -1 (no limit) and -2 (fill the context) leave the limit to the server's ceiling.
        if (JsonFields.Integer(values, "num_predict") is { } predict and not (-1 or -2))
        {
            options.MaxOutputTokens = predict >= 1 && predict <= limits.MaxOutputTokens
                ? (int)predict
                : throw new OpenAiRequestException($"'options.num_predict' must be -1, -2 or between 1 and {limits.MaxOutputTokens} on this server.", "options.num_predict", "invalid_value");
        }

        if (JsonFields.Integer(values, "num_ctx") is { } context)
        {
            (options.AdditionalProperties ??= [])[Strata.Models.Llama.LlamaChatOptionKeys.ContextLimit] = context >= 1
                ? (int)Math.Min(context, int.MaxValue)
                : throw new OpenAiRequestException("'options.num_ctx' must be positive.", "options.num_ctx", "invalid_value");
        }

        if (values.TryGetProperty("stop", out var stop) && stop.ValueKind != JsonValueKind.Null)
        {
            options.StopSequences = stop.ValueKind switch
            {
                JsonValueKind.String => [stop.GetString()!],
                JsonValueKind.Array => stop.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString()! : throw JsonFields.Invalid("options.stop", "an array of strings")).ToList(),
                _ => throw JsonFields.Invalid("options.stop", "an array of strings"),
            };
        }
    }

    /// <summary>Go's duration syntax as Ollama accepts it for keep_alive: "5m", "1h30m", "-1", "0".</summary>
    public static bool IsDuration(string text) =>
        text.Length > 0 && (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || System.Text.RegularExpressions.Regex.IsMatch(text, @"^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100)));

    private static double? InRange(JsonElement values, string name, double min, double max)
    {
        var value = JsonFields.Number(values, name);
        return value is null || (value >= min && value <= max)
            ? value
            : throw new OpenAiRequestException($"'options.{name}' must be between {min} and {max}.", "options." + name, "invalid_value");
    }
}
