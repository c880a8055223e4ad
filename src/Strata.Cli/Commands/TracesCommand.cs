using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Monitoring.Telemetry;

namespace Strata.Cli.Commands;

/// <summary><c>strata traces list|show</c>: spans in the local trace store (<c>$STRATA_HOME/traces.db</c>).</summary>
internal static class TracesCommand
{
    public static Command Create() => new("traces", "List and show recorded spans of model calls and requests") { List(), Show() };

    internal static TraceStore Store(CliContext context) => context.Get<TraceStore>();

    private static Command List()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Only spans of this model" };
        var since = new Option<string?>("--since") { Description = "Only spans since a time (ISO 8601) or for a duration back (30m, 2h, 7d)" };
        var limit = new Option<int>("--limit", "-n") { Description = "The most spans shown", DefaultValueFactory = _ => 50 };
        var json = CliOptions.Json();
        var command = new Command("list", "List spans, newest first") { model, since, limit, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var spans = Store(CliContext.Create(parse)).List(new TraceQuery
            {
                Model = parse.GetValue(model), Since = ParseSince(parse.GetValue(since)), Limit = parse.GetValue(limit),
            });
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(spans.Select(SpanJson));
            }

            var table = new Table().AddColumns("trace", "span", "started", "name", "model", "in", "out", "ms", "status");
            foreach (var span in spans)
            {
                table.AddRow(span.TraceId[..12], span.SpanId, span.StartedAt.ToLocalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(span.Name), Markup.Escape(span.Model ?? ""), $"{span.InputTokens}", $"{span.OutputTokens}",
                    span.DurationMs.ToString("0.0", CultureInfo.InvariantCulture), span.Status == "error" ? $"[red]{Markup.Escape(span.Error ?? "error")}[/]" : span.Status);
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "A trace id, or the id of any of its spans" };
        var json = CliOptions.Json();
        var command = new Command("show", "Show every span of a trace with its attributes and events") { id, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var traceId = parse.GetRequiredValue(id);
            var spans = Store(CliContext.Create(parse)).Trace(traceId);
            if (spans.Count == 0)
            {
                throw new CliUsageException($"No trace or span '{traceId}'. 'strata traces list' shows recorded spans.");
            }

            if (parse.GetValue(json))
            {
                return JsonOutput.Write(spans.Select(SpanJson));
            }

            var depth = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var span in spans)
            {
                var level = span.ParentSpanId is { } parent && depth.TryGetValue(parent, out var d) ? d + 1 : 0;
                depth[span.SpanId] = level;
                AnsiConsole.MarkupLineInterpolated(
                    $"{new string(' ', level * 2)}[bold]{span.Name}[/] [grey]{span.SpanId} {span.Source} {span.DurationMs:0.0} ms {span.Status}[/]");
                using var attributes = JsonDocument.Parse(span.Attributes);
                foreach (var attribute in attributes.RootElement.EnumerateObject())
                {
                    AnsiConsole.MarkupLineInterpolated($"{new string(' ', (level * 2) + 2)}[grey]{attribute.Name}[/] {attribute.Value.GetRawText()}");
                }

                using var events = JsonDocument.Parse(span.Events);
                foreach (var spanEvent in events.RootElement.EnumerateArray())
                {
                    AnsiConsole.MarkupLineInterpolated($"{new string(' ', (level * 2) + 2)}[blue]event[/] {spanEvent.GetRawText()}");
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>A time (ISO 8601) or a span back from now: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>.</summary>
    internal static DateTimeOffset? ParseSince(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var unit = text[^1];
        if (unit is 's' or 'm' or 'h' or 'd' && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            var back = unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) };
            return DateTimeOffset.UtcNow - back;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new CliUsageException($"--since expects a time (2026-01-31T12:00Z) or a duration back (30m, 2h, 7d), not '{text}'.");
    }

    private static object SpanJson(SpanRecord span)
    {
        using var attributes = JsonDocument.Parse(span.Attributes);
        using var events = JsonDocument.Parse(span.Events);
        return new
        {
            span.TraceId, span.SpanId, span.ParentSpanId, span.Source, span.Name, span.Kind, span.StartedAt, span.DurationMs, span.Status,
            span.Error, span.Operation, span.Model, span.InputTokens, span.OutputTokens, span.ApiKey,
            attributes = attributes.RootElement.Clone(), events = events.RootElement.Clone(),
        };
    }
}
