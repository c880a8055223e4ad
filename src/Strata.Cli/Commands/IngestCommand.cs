using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Strata.Core.Options;
using Strata.Data.Documents;
using Strata.Data.Ingestion;
using Strata.Orchestration.Ingestion;

namespace Strata.Cli.Commands;

/// <summary><c>strata ingest PATH... -c NAME</c>: documents into a collection, with states, skipping what is unchanged.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Files, folders and (with --allow-urls) http/https pages to ingest", Arity = ArgumentArity.OneOrMore };
        var collection = new Option<string>("--collection", "-c") { Description = "The collection (created with the embedding model when missing)", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "Embedding model for a new collection (default minilm)" };
        var chunkTokens = new Option<int>("--chunk-tokens") { Description = "Chunk size in the embedding model's tokens", DefaultValueFactory = _ => CollectionIngestion.DefaultChunkTokens };
        var overlap = new Option<int>("--overlap") { Description = "Tokens shared by neighbouring chunks", DefaultValueFactory = _ => CollectionIngestion.DefaultOverlapTokens };
        var include = new Option<string[]>("--include") { Description = "Glob of files to take in folders (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to leave out (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var allowUrls = new Option<bool>("--allow-urls")
        {
            Description = "Fetch http/https pages (off by default; or set Ingestion:AllowUrls). Loopback, private, link-local and metadata addresses stay refused",
        };
        var command = new Command("ingest", "Ingest files, folders and web pages into a collection (extract, chunk, embed, store)")
        {
            paths, collection, model, chunkTokens, overlap, include, exclude, allowUrls,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var database = DataCommandSupport.Database(context);
            var name = parse.GetRequiredValue(collection);
            var embeddingModel = parse.GetValue(model) ?? context.Models.DefaultEmbedding;
            var (target, embedder) = await CollectionIngestion.OpenOrCreateAsync(database, context.Catalog, name, embeddingModel, cancellationToken);
            using var targetScope = target;
            using var ledger = new IngestionLedger(IngestionPaths.Ledger(context.Paths, name));
            var loaderOptions = new DocumentLoaderOptions
            {
                AllowUrls = parse.GetValue(allowUrls) || context.Get<IngestionOptions>().AllowUrls,
            };
            var pipeline = CollectionIngestion.Pipeline(
                target, ledger, embedder, parse.GetValue(chunkTokens), parse.GetValue(overlap), loaderOptions, context.Get<ILoggerFactory>().CreateLogger("Strata.Ingestion"));
            var folders = new FolderLoadOptions();
            foreach (var glob in parse.GetValue(include) ?? [])
            {
                folders.Include.Add(glob);
            }

            foreach (var glob in parse.GetValue(exclude) ?? [])
            {
                folders.Exclude.Add(glob);
            }

            var report = await RunWithProgressAsync(pipeline, parse.GetRequiredValue(paths), folders, cancellationToken);
            Console.WriteLine($"{report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Removed} removed, {report.Failed.Count} failed; {report.Chunks} chunks stored in '{name}'.");
            foreach (var failure in report.Failed)
            {
                Console.WriteLine($"  failed: {failure.Source}: {failure.Reason}");
            }

            return 0;
        }));
        return command;
    }

    private static async Task<IngestionReport> RunWithProgressAsync(IngestionPipeline pipeline, string[] paths, FolderLoadOptions folders, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            var plain = new SynchronousProgress<IngestionProgress>(p =>
            {
                if (p.Done == p.Total || p.Done % 25 == 0)
                {
                    Console.Error.WriteLine($"{p.Done}/{p.Total} documents");
                }
            });
            return await pipeline.IngestAsync(paths, folders, plain, cancellationToken);
        }

        IngestionReport? report = null;
        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("ingesting", maxValue: 1);
                var progress = new SynchronousProgress<IngestionProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape(Path.GetFileName(p.Current));
                });
                report = await pipeline.IngestAsync(paths, folders, progress, cancellationToken);
                task.Value = task.MaxValue;
            });
        return report!;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
