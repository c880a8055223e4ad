using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Monitoring.Telemetry;

namespace Strata.Cli.Commands;

/// <summary><c>strata usage</c>: model calls per model (and API key) from the local trace store, priced when a price table is set.</summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var since = new Option<string?>("--since") { Description = "Only calls since a time (ISO 8601) or for a duration back (30m, 2h, 7d)" };
        var json = CliOptions.Json();
        var command = new Command("usage", "Requests, tokens, errors, mean duration and cost per model and API key") { since, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var rows = TracesCommand.Store(context).Usage(context.Get<ModelPrices>(), TracesCommand.ParseSince(parse.GetValue(since)));
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(rows);
            }

            var table = new Table().AddColumns("model", "api key", "requests", "input tokens", "output tokens", "errors", "mean ms", "out tok/s", "cost");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.Model), Markup.Escape(row.ApiKey ?? ""), N(row.Requests), N(row.InputTokens), N(row.OutputTokens),
                    N(row.Errors), row.MeanDurationMs.ToString("0.0", CultureInfo.InvariantCulture), row.OutputTokensPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
                    row.Cost is { } cost ? cost.ToString("0.######", CultureInfo.InvariantCulture) : "");
            }

            AnsiConsole.Write(table);
            if (rows.Count == 0)
            {
                AnsiConsole.MarkupLine("No model calls recorded yet. The server records every chat and embedding call.");
            }

            return 0;
        }));
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
