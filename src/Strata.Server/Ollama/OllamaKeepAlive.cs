using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c>: how long the model stays loaded after this request. A number is seconds, a string is a
/// Go duration ("5m", "1h30m", "0"); zero unloads the model as soon as the request ends, a negative value keeps it
/// loaded. Absent, the model goes back to <c>Models:IdleSeconds</c>, as Ollama goes back to its default.
/// </summary>
internal static partial class OllamaKeepAlive
{
    // A timer cannot wait longer than about 49 days; anything longer is "keep it loaded".
    private static readonly TimeSpan Longest = TimeSpan.FromDays(24);

    /// <summary>The idle time the request asks for; null when it names none.</summary>
    /// <exception cref="OpenAiRequestException">The value is neither a number nor a duration.</exception>
    public static TimeSpan? Read(JsonElement body)
    {
        if (!body.TryGetProperty("keep_alive", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        double? seconds = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => Seconds(value.GetString()!),
            _ => null,
        };
        return seconds switch
        {
            null => throw new OpenAiRequestException("'keep_alive' must be a number of seconds or a duration such as \"5m\".", "keep_alive", "invalid_value"),
            < 0 => Timeout.InfiniteTimeSpan,
            var s when s >= Longest.TotalSeconds => Timeout.InfiniteTimeSpan,
            var s => TimeSpan.FromSeconds(s.Value),
        };
    }

    private static double? Seconds(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }

        var match = Duration().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var total = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = Unit().Match(part.Value);
            var amount = double.Parse(unit.Groups["amount"].Value, CultureInfo.InvariantCulture);
            total += amount * unit.Groups["unit"].Value switch
            {
                "ns" => 1e-9,
                "us" or "µs" => 1e-6,
                "ms" => 1e-3,
                "s" => 1,
                "m" => 60,
                _ => 3600,
            };
        }

        return match.Groups["sign"].Value == "-" ? -total : total;
    }

    [GeneratedRegex(@"^(?<sign>-?)(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$", RegexOptions.None, 100)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h)$", RegexOptions.None, 100)]
    private static partial Regex Unit();
}
