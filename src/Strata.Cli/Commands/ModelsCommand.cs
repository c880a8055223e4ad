using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Models;

namespace Strata.Cli.Commands;

/// <summary><c>strata models list|show|rm|import</c>: the local model store.</summary>
internal static class ModelsCommand
{
    public static Command Create() => new("models", "List, show, import and remove models in the local store")
    {
        List(), Show(), Remove(), Import(),
    };

    private static Command List()
    {
        var json = CliOptions.Json();
        var command = new Command("list", "List stored models with their format and size") { json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var listing = context.Store.List();
            foreach (var problem in listing.Problems)
            {
                Console.Error.WriteLine($"warning: {problem}");
            }

            var stored = listing.Models.ToDictionary(model => model.Name, StringComparer.Ordinal);
            // Listing makes no model call, so it takes the catalog without starting telemetry.
            var entries = context.Services.GetRequiredService<ModelCatalog>().List();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(entries.Select(entry =>
                {
                    var model = stored.GetValueOrDefault(entry.Name);
                    return new
                    {
                        name = entry.Name,
                        format = entry.Format,
                        size = entry.Size,
                        location = entry.Location,
                        capabilities = Capabilities(entry.Capabilities),
                        architecture = model?.Metadata.Architecture,
                        parameters = model?.Metadata.Parameters,
                        quantization = model?.Metadata.Quantization,
                        source = model?.Source.Uri,
                        created = model?.Created,
                        failing = entry.Failing,
                    };
                }));
            }

            var table = new Table().AddColumns("name", "format", "size", "where", "can", "architecture", "quantization", "state");
            foreach (var entry in entries)
            {
                var model = stored.GetValueOrDefault(entry.Name);
                table.AddRow(
                    Markup.Escape(entry.Name),
                    entry.Format,
                    entry.Size is { } size ? ByteSize.Format(size) : "",
                    entry.Location,
                    string.Join(", ", Capabilities(entry.Capabilities)),
                    Markup.Escape(model?.Metadata.Architecture ?? ""),
                    Markup.Escape(model?.Metadata.Quantization ?? ""),
                    entry.Failing is null ? "" : "[red]failing[/]");
            }

            AnsiConsole.Write(table);
            // The reasons are too long for a column: one line each below the table.
            foreach (var entry in entries.Where(entry => entry.Failing is not null))
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(entry.Name)} is failing[/]: {Markup.Escape(entry.Failing!)}");
            }

            if (listing.Models.Count == 0)
            {
                AnsiConsole.MarkupLine("No models stored yet. Import one with [bold]strata models import PATH --name NAME[/] or pull one with [bold]strata pull hf://OWNER/REPO[/].");
            }

            return 0;
        }));
        return command;
    }

    private static string[] Capabilities(ModelCapabilities capabilities) =>
        [.. new[] { (ModelCapabilities.Chat, "chat"), (ModelCapabilities.Embeddings, "embeddings"), (ModelCapabilities.Rerank, "rerank") }
            .Where(pair => capabilities.HasFlag(pair.Item1)).Select(pair => pair.Item2)];

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The model's name" };
        var json = CliOptions.Json();
        var command = new Command("show", "Show a model's files, source and metadata") { name, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var model = CliContext.Create(parse).Store.Get(parse.GetRequiredValue(name));
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new { model.Name, model.Format, model.Size, model.Source, model.Created, model.Metadata, model.Files });
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string label, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    grid.AddRow($"[grey]{label}[/]", Markup.Escape(value));
                }
            }

            var meta = model.Metadata;
            Row("name", model.Name);
            Row("format", Describe(model.Format));
            Row("size", ByteSize.Format(model.Size));
            Row("source", model.Source.Uri + (model.Source.Revision is null ? "" : $" @ {model.Source.Revision}"));
            Row("created", model.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            Row("architecture", meta.Architecture);
            Row("parameters", meta.Parameters?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            Row("context length", meta.ContextLength?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Row("dimensions", meta.Dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Row("quantization", meta.Quantization);
            foreach (var (key, value) in meta.Details ?? new Dictionary<string, string>())
            {
                Row(key, value);
            }

            AnsiConsole.Write(grid);
            var files = new Table().AddColumns("file", "size", "sha256");
            foreach (var file in model.Files)
            {
                files.AddRow(Markup.Escape(file.Path), ByteSize.Format(file.Size), file.Digest);
            }

            AnsiConsole.Write(files);
            return 0;
        }));
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The model's name" };
        var command = new Command("rm", "Remove a model and the blobs no other model uses") { name };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var model = parse.GetRequiredValue(name);
            if (!CliContext.Create(parse).Store.Remove(model))
            {
                throw new ModelNotFoundException(model);
            }

            Console.WriteLine($"Removed {model}.");
            return 0;
        }));
        return command;
    }

    private static Command Import()
    {
        var path = new Argument<string>("path") { Description = "A model file, or a folder holding one model's files" };
        var name = new Option<string>("--name", "-n") { Description = "The model's name in the store", Required = true };
        var format = new Option<string?>("--format") { Description = "gguf, onnx or torch (detected when left out)" };
        format.AcceptOnlyFromAmong("gguf", "onnx", "torch");
        var force = new Option<bool>("--force") { Description = "Replace a model of the same name" };
        var command = new Command("import", "Import a local model file or folder into the store") { path, name, format, force };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var requested = parse.GetValue(format) switch
            {
                "gguf" => ModelFormat.Gguf,
                "onnx" => ModelFormat.Onnx,
                "torch" => ModelFormat.Torch,
                _ => (ModelFormat?)null,
            };
            var manifest = await context.Get<ModelImporter>().ImportAsync(
                parse.GetRequiredValue(path), parse.GetRequiredValue(name), requested, parse.GetValue(force), cancellationToken);
            Console.WriteLine($"Imported {manifest.Name} ({Describe(manifest.Format)}, {manifest.Files.Count} file(s), {ByteSize.Format(manifest.Size)}).");
            return 0;
        }));
        return command;
    }

    private static string Describe(ModelFormat format) => format.ToString().ToLowerInvariant();
}
