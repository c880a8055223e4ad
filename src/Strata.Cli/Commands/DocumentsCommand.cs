using System.CommandLine;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Data.Ingestion;

namespace Strata.Cli.Commands;

/// <summary><c>strata documents list -c NAME</c>: ingested documents with their states.</summary>
internal static class DocumentsCommand
{
    public static Command Create()
    {
        var collection = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var json = CliOptions.Json();
        var list = new Command("list", "List a collection's documents with their state (queued, processing, ready, failed) and reason") { collection, json };
        list.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var name = parse.GetRequiredValue(collection);
            if (!await DataCommandSupport.Database(context).ExistsAsync(name, cancellationToken))
            {
                throw new CliUsageException($"No collection named '{name}'.");
            }

            using var ledger = new IngestionLedger(IngestionPaths.Ledger(context.Paths, name));
            var documents = ledger.List();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(documents.Select(d => new
                {
                    source = d.Source, state = d.State.ToString().ToLowerInvariant(), reason = d.Reason, title = d.Title, chunks = d.Chunks, steps = d.Steps, updated = d.Updated,
                }));
            }

            var table = new Table().AddColumns("source", "state", "chunks", "title / reason");
            foreach (var d in documents)
            {
                table.AddRow(Markup.Escape(d.Source), d.State.ToString().ToLowerInvariant(), d.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(d.Reason ?? d.Title ?? ""));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return new Command("documents", "Show the documents ingested into a collection") { list };
    }
}
