using System.CommandLine;
using Spectre.Console;
using Strata.Models;
using Strata.Cli.Output;
using Strata.Data.Collections;
using Strata.Data.Ingestion;

namespace Strata.Cli.Commands;

/// <summary><c>strata collections list|create|drop|stats|snapshot|restore</c>: vector collections.</summary>
internal static class CollectionsCommand
{
    public static Command Create() => new("collections", "List, create, drop, inspect, snapshot and restore vector collections")
    {
        List(), CreateCollection(), Drop(), Stats(), Snapshot(), Restore(),
    };

    private static Command List()
    {
        var json = CliOptions.Json();
        var command = new Command("list", "List collections") { json };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var names = await DataCommandSupport.Database(CliContext.Create(parse)).ListAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(names);
            }

            foreach (var name in names)
            {
                Console.WriteLine(name);
            }

            return 0;
        }));
        return command;
    }

    private static Command CreateCollection()
    {
        var name = new Argument<string>("name") { Description = "The collection's name" };
        var dimension = new Option<int>("--dim") { Description = "Vector dimension", Required = true };
        var distance = new Option<string>("--distance") { Description = "cosine, dot or l2", DefaultValueFactory = _ => "cosine" };
        var model = new Option<string?>("--model") { Description = "Embedding model for text queries (default minilm)" };
        var m = new Option<int>("--m") { Description = "HNSW links per node", DefaultValueFactory = _ => 16 };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW build beam width", DefaultValueFactory = _ => 200 };
        var efSearch = new Option<int>("--ef-search") { Description = "HNSW default search beam width", DefaultValueFactory = _ => 64 };
        var command = new Command("create", "Create a collection") { name, dimension, distance, model, m, efConstruction, efSearch };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var metric = parse.GetValue(distance)!.ToLowerInvariant() switch
            {
                "cosine" => DistanceMetric.Cosine,
                "dot" => DistanceMetric.Dot,
                "l2" => DistanceMetric.L2,
                var other => throw new CliUsageException($"--distance must be cosine, dot or l2, got '{other}'."),
            };
            var spec = new CollectionSpec(parse.GetRequiredValue(name), parse.GetValue(dimension), metric, parse.GetValue(model),
                new HnswParameters(parse.GetValue(m), parse.GetValue(efConstruction), parse.GetValue(efSearch)));
            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).CreateAsync(spec, cancellationToken);
            Console.WriteLine($"created {spec.Name} ({spec.Dimension} dims, {metric.ToString().ToLowerInvariant()})");
            return 0;
        }));
        return command;
    }

    private static Command Drop()
    {
        var name = new Argument<string>("name") { Description = "The collection's name" };
        var command = new Command("drop", "Delete a collection with its files, ingestion ledger and uploads") { name };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var collection = parse.GetRequiredValue(name);
            var context = CliContext.Create(parse);
            if (!await DataCommandSupport.Database(context).DropWithIngestionFilesAsync(context.Paths, collection, cancellationToken))
            {
                throw new CliUsageException($"Unknown collection '{collection}'.");
            }

            Console.WriteLine($"dropped {collection}");
            return 0;
        }));
        return command;
    }

    private static Command Stats()
    {
        var name = new Argument<string>("name") { Description = "The collection's name" };
        var json = CliOptions.Json();
        var command = new Command("stats", "Count, size on disk and index state") { name, json };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).OpenAsync(parse.GetRequiredValue(name), cancellationToken);
            var stats = await collection.StatsAsync(cancellationToken);
            var spec = collection.Spec;
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new
                {
                    name = stats.Name, count = stats.Count, dimension = spec.Dimension, distance = spec.Distance.ToString().ToLowerInvariant(),
                    embeddingModel = spec.EmbeddingModel, bytesOnDisk = stats.BytesOnDisk,
                    index = new { state = stats.IndexState, nodes = stats.IndexNodes, tombstones = stats.IndexTombstones, highWaterMark = stats.IndexHighWaterMark, storeSequence = stats.StoreSequence },
                });
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("count", stats.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("dimension", $"{spec.Dimension} ({spec.Distance.ToString().ToLowerInvariant()})");
            grid.AddRow("on disk", ByteSize.Format(stats.BytesOnDisk));
            grid.AddRow("index", $"{stats.IndexState}, {stats.IndexNodes} nodes, {stats.IndexTombstones} tombstones");
            AnsiConsole.Write(grid);
            return 0;
        }));
        return command;
    }

    private static Command Snapshot()
    {
        var name = new Argument<string>("name") { Description = "The collection's name" };
        var file = new Argument<string>("file") { Description = "Where to write the snapshot (a SQLite file; the index goes beside it as .hnsw)" };
        var command = new Command("snapshot", "Write a consistent copy of a collection, even while writes go on") { name, file };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).OpenAsync(parse.GetRequiredValue(name), cancellationToken);
            await collection.SnapshotAsync(parse.GetRequiredValue(file), cancellationToken);
            Console.WriteLine($"snapshot of {collection.Spec.Name} written to {parse.GetRequiredValue(file)}");
            return 0;
        }));
        return command;
    }

    private static Command Restore()
    {
        var name = new Argument<string>("name") { Description = "The collection to replace or create" };
        var file = new Argument<string>("file") { Description = "A snapshot written by 'collections snapshot'" };
        var command = new Command("restore", "Replace a collection with a snapshot (no process may have it open)") { name, file };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            await DataCommandSupport.Database(CliContext.Create(parse)).RestoreAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(file), cancellationToken);
            Console.WriteLine($"restored {parse.GetRequiredValue(name)}");
            return 0;
        }));
        return command;
    }
}
