using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.Monitoring.Telemetry;

/// <summary>Turns a finished <see cref="Activity"/> into a <see cref="SpanRecord"/>, lifting gen_ai attributes into columns.</summary>
public static class SpanConversion
{
    /// <summary>Converts <paramref name="activity"/>.</summary>
    public static SpanRecord ToRecord(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        string? Tag(string name) => activity.GetTagItem(name) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        long? Count(string name) => activity.GetTagItem(name) switch
        {
            int i => i,
            long l => l,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        var failed = activity.Status == ActivityStatusCode.Error || Tag(TelemetryTags.ErrorType) is not null;
        var parent = activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString();
        return new SpanRecord(
            activity.TraceId.ToHexString(),
            activity.SpanId.ToHexString(),
            parent,
            activity.Source.Name,
            activity.DisplayName,
            activity.Kind.ToString().ToLowerInvariant(),
            new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero),
            activity.Duration.TotalMilliseconds,
            failed ? "error" : activity.Status == ActivityStatusCode.Ok ? "ok" : "unset",
            failed ? Tag(TelemetryTags.ErrorType) ?? activity.StatusDescription : null,
            Tag(TelemetryTags.Operation),
            Tag(TelemetryTags.ResponseModel) ?? Tag(TelemetryTags.RequestModel),
            Count(TelemetryTags.InputTokens),
            Count(TelemetryTags.OutputTokens),
            Tag(TelemetryTags.ApiKey),
            TagsJson(activity.TagObjects),
            EventsJson(activity.Events));
    }

    private static string TagsJson(IEnumerable<KeyValuePair<string, object?>> tags)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in tags)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string EventsJson(IEnumerable<ActivityEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var activityEvent in events)
            {
                writer.WriteStartObject();
                writer.WriteString("name", activityEvent.Name);
                writer.WriteString("time", activityEvent.Timestamp);
                writer.WritePropertyName("attributes");
                writer.WriteStartObject();
                foreach (var (name, value) in activityEvent.Tags)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte or uint or ulong or float or double or decimal:
                writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("E+", "E", StringComparison.Ordinal) is var raw
                    && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? raw : "null");
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
