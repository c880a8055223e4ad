using System.CommandLine;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Imaging;

namespace Strata.Cli.Commands;

/// <summary><c>strata datasets import|list|show|preview</c>: image datasets for training.</summary>
internal static class DatasetsCommand
{
    public static Command Create() => new("datasets", "Import, list, show and preview image datasets")
    {
        Import(), List(), Show(), Preview(),
    };

    private static Command Import()
    {
        var source = new Argument<string>("source") { Description = "A folder with IDX files (e.g. /usr/share/datasets/fashion-mnist), one IDX file, or a folder of PNG/JPEG images" };
        var name = new Option<string>("--name") { Description = "The dataset's name", Required = true };
        var size = new Option<int?>("--size") { Description = "Scale images to N×N (default: IDX as is, folders 64)" };
        var grayscale = new Option<bool>("--grayscale") { Description = "Convert to one grey channel" };
        var limit = new Option<int?>("--limit") { Description = "Keep at most N training images" };
        var json = CliOptions.Json();
        var command = new Command("import", "Import and clean a dataset (undecodable files dropped with reasons, duplicates removed)") { source, name, size, grayscale, limit, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var options = new DatasetImportOptions(parse.GetRequiredValue(name), parse.GetValue(size), parse.GetValue(grayscale), parse.GetValue(limit));
            var manifest = new DatasetImporter(context.Get<DatasetStore>()).Import(parse.GetRequiredValue(source), options);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(manifest);
            }

            Console.WriteLine($"Imported {manifest.Name}: {manifest.TrainCount:N0} train + {manifest.TestCount:N0} test images, {Describe(manifest)}.");
            if (manifest.Cleaning is { } cleaning)
            {
                Console.WriteLine($"Cleaning: {cleaning.Found} image files found, {cleaning.Kept} kept, {cleaning.Dropped.Count} dropped, {cleaning.Duplicates} duplicates removed.");
                foreach (var dropped in cleaning.Dropped)
                {
                    Console.WriteLine($"  dropped {dropped.File}: {dropped.Reason}");
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var json = CliOptions.Json();
        var command = new Command("list", "List stored datasets") { json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var datasets = CliContext.Create(parse).Get<DatasetStore>().List();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(datasets);
            }

            var table = new Table().AddColumns("name", "images", "train", "test", "labels", "source");
            foreach (var d in datasets)
            {
                table.AddRow(Markup.Escape(d.Name), Describe(d), $"{d.TrainCount:N0}", $"{d.TestCount:N0}", d.HasLabels ? "yes" : "no", Markup.Escape(d.Source));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The dataset's name" };
        var json = CliOptions.Json();
        var command = new Command("show", "Show a dataset's shape, split, source and cleaning report") { name, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var manifest = CliContext.Create(parse).Get<DatasetStore>().Get(parse.GetRequiredValue(name));
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(manifest);
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[grey]name[/]", Markup.Escape(manifest.Name));
            grid.AddRow("[grey]images[/]", Describe(manifest));
            grid.AddRow("[grey]split[/]", $"{manifest.TrainCount:N0} train, {manifest.TestCount:N0} test");
            grid.AddRow("[grey]labels[/]", manifest.HasLabels ? (manifest.Classes.Count > 0 ? Markup.Escape(string.Join(", ", manifest.Classes)) : "yes") : "no");
            grid.AddRow("[grey]source[/]", Markup.Escape(manifest.Source));
            if (manifest.Cleaning is { } c)
            {
                grid.AddRow("[grey]cleaning[/]", $"{c.Found} found, {c.Kept} kept, {c.Dropped.Count} dropped, {c.Duplicates} duplicates");
            }

            grid.AddRow("[grey]sha256[/]", manifest.ImagesSha256);
            AnsiConsole.Write(grid);
            return 0;
        }));
        return command;
    }

    private static Command Preview()
    {
        var name = new Argument<string>("name") { Description = "The dataset's name" };
        var output = new Option<string>("--output", "-o") { Description = "The PNG file to write", Required = true };
        var count = new Option<int>("-n") { Description = "How many images", DefaultValueFactory = _ => 64 };
        var command = new Command("preview", "Write a grid of a dataset's first images as a PNG") { name, output, count };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var images = CliContext.Create(parse).Get<DatasetStore>().Load(parse.GetRequiredValue(name)).Take(Math.Max(1, parse.GetValue(count)));
            var path = parse.GetRequiredValue(output);
            ImageGrid.Save(images, path);
            var (width, height) = ImageGrid.SizeOf(images.Count, images.Height, images.Width);
            Console.WriteLine($"Wrote {path} ({images.Count} images, {width}×{height}).");
            return 0;
        }));
        return command;
    }

    private static string Describe(DatasetManifest d) => $"{d.Width}×{d.Height} {(d.Channels == 1 ? "grey" : "RGB")}";
}
