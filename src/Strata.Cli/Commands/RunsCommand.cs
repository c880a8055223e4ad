using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Strata.Models;
using Strata.Cli.Output;
using Strata.Monitoring.Plots;
using Strata.Monitoring.Runs;

namespace Strata.Cli.Commands;

/// <summary><c>strata runs list|show|compare|plot|rm</c>: experiment runs under <c>$STRATA_HOME/runs</c>.</summary>
internal static class RunsCommand
{
    public static Command Create() => new("runs", "List, show, compare, plot and remove experiment runs")
    {
        List(), Show(), Compare(), Plot(), Remove(),
    };

    private static RunStore Store(ParseResult parse) => CliContext.Create(parse).Get<RunStore>();

    private static Command List()
    {
        var project = new Option<string?>("--project", "-p") { Description = "Only runs of this project" };
        var json = CliOptions.Json();
        var command = new Command("list", "List runs, newest first") { project, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var runs = Store(parse).List(parse.GetValue(project)).Select(RunSummaryView.From).ToList();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(runs);
            }

            var table = new Table().AddColumns("id", "project", "name", "status", "started", "duration", "tags");
            foreach (var run in runs)
            {
                table.AddRow(run.Id, Markup.Escape(run.Project), Markup.Escape(run.Name), StatusMarkup(run.Status),
                    run.StartedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    run.DurationText, Markup.Escape(string.Join(", ", run.Tags)));
            }

            AnsiConsole.Write(table);
            if (runs.Count == 0)
            {
                AnsiConsole.MarkupLine("No runs yet. Trainers and evaluations log them through [bold]IRunTracker[/].");
            }

            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The run's id" };
        var json = CliOptions.Json();
        var command = new Command("show", "Show a run: configuration, system, metric summaries and artifacts") { id, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var store = Store(parse);
            var run = RunSummaryView.From(store.Get(parse.GetRequiredValue(id)));
            var summaries = store.Summaries(run.Id);
            var artifacts = store.Artifacts(run.Id);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new { run, metrics = summaries, artifacts });
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string label, string? value) => grid.AddRow($"[grey]{label}[/]", Markup.Escape(value ?? ""));
            Row("id", run.Id);
            Row("project", run.Project);
            Row("name", run.Name);
            grid.AddRow("[grey]status[/]", StatusMarkup(run.Status));
            Row("started", run.StartedAt.ToLocalTime().ToString("u", CultureInfo.InvariantCulture));
            Row("duration", run.DurationText);
            Row("tags", string.Join(", ", run.Tags));
            Row("git commit", run.GitCommit ?? "(none)");
            Row("host / pid", $"{run.Host} / {run.ProcessId}");
            Row("config", run.Config.GetRawText());
            Row("system", run.System.GetRawText());
            AnsiConsole.Write(grid);
            var metrics = new Table().AddColumns("metric", "points", "last step", "last", "min", "max");
            foreach (var s in summaries)
            {
                metrics.AddRow(Markup.Escape(s.Name), Number(s.Count), Number(s.LastStep), Number(s.Last), Number(s.Min), Number(s.Max));
            }

            AnsiConsole.Write(metrics);
            if (artifacts.Count > 0)
            {
                var files = new Table().AddColumns("artifact", "kind", "size", "sha256");
                foreach (var a in artifacts)
                {
                    files.AddRow(Markup.Escape(a.Name), Markup.Escape(a.Kind), ByteSize.Format(a.Size), a.Digest[..16]);
                }

                AnsiConsole.Write(files);
            }

            return 0;
        }));
        return command;
    }

    private static Command Compare()
    {
        var ids = new Argument<string[]>("ids") { Description = "Two or more run ids", Arity = new ArgumentArity(2, 32) };
        var json = CliOptions.Json();
        var command = new Command("compare", "Hyperparameters and final metrics of runs side by side") { ids, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var store = Store(parse);
            var runs = parse.GetRequiredValue(ids).Select(runId => RunSummaryView.From(store.Get(runId))).ToList();
            var configs = runs.Select(run => FlattenConfig(run.Config)).ToList();
            var finals = runs.Select(run => store.Summaries(run.Id).ToDictionary(s => s.Name, s => s.Last)).ToList();
            var keys = configs.SelectMany(c => c.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            var metricNames = finals.SelectMany(f => f.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(runs.Select((run, i) => new { run.Id, run.Name, run.Status, config = configs[i], final = finals[i] }));
            }

            var table = new Table().AddColumn("");
            foreach (var run in runs)
            {
                table.AddColumn($"{run.Id}\n{Markup.Escape(run.Name)}");
            }

            foreach (var key in keys)
            {
                // Highlight what differs: that is what the comparison is for.
                var values = configs.Select(c => c.GetValueOrDefault(key) ?? "").ToList();
                var differs = values.Distinct().Count() > 1;
                table.AddRow([$"[grey]{Markup.Escape(key)}[/]", .. values.Select(v => differs ? $"[yellow]{Markup.Escape(v)}[/]" : Markup.Escape(v))]);
            }

            foreach (var name in metricNames)
            {
                table.AddRow([$"[bold]{Markup.Escape(name)}[/]", .. finals.Select(f => f.TryGetValue(name, out var v) ? Number(v) : "")]);
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Plot()
    {
        var id = new Argument<string>("id") { Description = "The run's id" };
        var metric = new Option<string>("--metric", "-m") { Description = "Metric name(s), comma-separated", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The image file: .png or .svg", Required = true };
        var width = new Option<int>("--width") { Description = "Width in pixels", DefaultValueFactory = _ => 800 };
        var height = new Option<int>("--height") { Description = "Height in pixels", DefaultValueFactory = _ => 500 };
        var command = new Command("plot", "Plot metric series of a run against their steps") { id, metric, output, width, height };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var names = parse.GetRequiredValue(metric).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var path = parse.GetRequiredValue(output);
            RunPlotter.Save(Store(parse), parse.GetRequiredValue(id), names, path, parse.GetValue(width), parse.GetValue(height));
            Console.WriteLine($"Wrote {path}.");
            return 0;
        }));
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "The run's id" };
        var command = new Command("rm", "Remove a run with its metrics and artifacts") { id };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var runId = parse.GetRequiredValue(id);
            if (!RunIds.IsValid(runId) || !Store(parse).Remove(runId))
            {
                throw new RunNotFoundException(runId);
            }

            Console.WriteLine($"Removed run {runId}.");
            return 0;
        }));
        return command;
    }

    /// <summary>Nested configuration becomes dotted keys (optimizer.lr) so runs line up row by row.</summary>
    private static Dictionary<string, string> FlattenConfig(JsonElement config)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonElement element, string prefix)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}");
                }
            }
            else
            {
                values[prefix.Length == 0 ? "config" : prefix] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
            }
        }

        Walk(config, "");
        return values;
    }

    private static string StatusMarkup(string status) => status switch
    {
        "running" => "[blue]running[/]",
        "finished" => "[green]finished[/]",
        _ => $"[red]{Markup.Escape(status)}[/]",
    };

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
