using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Data.Ingestion;
using Strata.Models.Catalog;
using Strata.Core;
using Strata.Core.Options;
using Strata.Orchestration.Ingestion;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>
/// Ingests uploaded documents in the background, one at a time (embedding takes every core), from a bounded queue:
/// an upload beyond its length is refused with 429 rather than piling up. Each document's state lives in the
/// collection's ingestion ledger (<c>queued → processing → ready | failed</c>), so clients poll it and a restart
/// picks up documents still queued.
/// </summary>
public sealed class IngestionQueue : BackgroundService
{
    private readonly Channel<IngestionJob> jobs;
    private readonly OpenCollections collections;
    private readonly ModelCatalog catalog;
    private readonly StrataPaths paths;
    private readonly UploadFolder uploads;
    private readonly string defaultEmbeddingModel;
    private readonly ILogger<IngestionQueue> logger;

    /// <summary>Creates the queue with room for <see cref="RequestLimits.IngestionQueueLength"/> documents.</summary>
    public IngestionQueue(
        OpenCollections collections, ModelCatalog catalog, StrataPaths paths, UploadFolder uploads, RequestLimits limits,
        ModelsOptions models, ILogger<IngestionQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(models);
        jobs = Channel.CreateBounded<IngestionJob>(new BoundedChannelOptions(limits.IngestionQueueLength) { SingleReader = true });
        this.collections = collections;
        this.catalog = catalog;
        this.paths = paths;
        this.uploads = uploads;
        this.logger = logger;
        defaultEmbeddingModel = models.DefaultEmbedding;
    }

    /// <summary>
    /// Queues <paramref name="file"/> for ingestion into <paramref name="collection"/>, marking it queued. A file whose
    /// bytes are already ready (or failed) is not ingested again; its record is returned as it is.
    /// </summary>
    /// <exception cref="OpenAiRequestException">The queue is full (429).</exception>
    public IngestedDocument Enqueue(string collection, string file)
    {
        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, collection));
        var hash = HashOf(file);
        var previous = ledger.Find(file);
        if (previous is { State: DocumentState.Ready or DocumentState.Failed } && previous.ContentHash == hash)
        {
            return previous;
        }

        // Marked before it is queued, so the worker's "processing" can never be overwritten by a late "queued".
        var queued = new IngestedDocument(file, hash, DocumentState.Queued, null, previous?.Title, previous?.Chunks ?? 0, [], DateTimeOffset.UtcNow);
        ledger.Save(queued);
        if (!jobs.Writer.TryWrite(new IngestionJob(collection, file)))
        {
            if (previous is null)
            {
                ledger.Remove(file);
            }
            else
            {
                ledger.Save(previous);
            }

            throw new OpenAiRequestException("The ingestion queue is full; retry when the documents already queued are done.",
                code: "ingestion_queue_full", statusCode: StatusCodes.Status429TooManyRequests);
        }

        return queued;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        RequeueUnfinished();
        try
        {
            await foreach (var job in jobs.Reader.ReadAllAsync(stoppingToken))
            {
                await IngestAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (or the server never started listening): queued documents stay queued in their ledgers.
        }
    }

    private async Task IngestAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        if (!collections.Exists(job.Collection) || !File.Exists(job.File))
        {
            return; // Dropped (with its uploads) while the document waited.
        }

        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, job.Collection));
        try
        {
            var collection = collections.Get(job.Collection);
            var embedder = await CollectionIngestion.EmbedderForAsync(catalog, collection, defaultEmbeddingModel, cancellationToken);
            await CollectionIngestion.Pipeline(collection, ledger, embedder, logger: logger).IngestAsync([job.File], cancellationToken: cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the document stays queued in the ledger and is picked up at the next start.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Ingesting an upload into {Collection} failed", job.Collection);
            var record = ledger.Find(job.File);
            ledger.Save(new IngestedDocument(job.File, record?.ContentHash ?? "", DocumentState.Failed,
                "ingestion failed: " + e.GetType().Name, record?.Title, 0, record?.Steps ?? [], DateTimeOffset.UtcNow));
        }
    }

    /// <summary>Queues again the uploads a previous run of the server accepted but did not finish.</summary>
    private void RequeueUnfinished()
    {
        IReadOnlyList<string> names;
        try
        {
            names = collections.Database.List();
        }
        catch (Core.Errors.StrataException e)
        {
            // The backend is down (PostgreSQL not reachable): the server still starts and answers 503 until it is back.
            logger.LogWarning("Could not look for unfinished uploads: {Reason}", e.Message);
            return;
        }

        foreach (var name in names)
        {
            var ledgerPath = IngestionPaths.Ledger(paths, name);
            if (!File.Exists(ledgerPath))
            {
                continue;
            }

            using var ledger = new IngestionLedger(ledgerPath);
            var folder = uploads.Of(name) + Path.DirectorySeparatorChar;
            foreach (var document in ledger.List().Where(d => d.State is DocumentState.Queued or DocumentState.Processing && d.Source.StartsWith(folder, StringComparison.Ordinal)))
            {
                if (!jobs.Writer.TryWrite(new IngestionJob(name, document.Source)))
                {
                    return;
                }
            }
        }
    }

    private static string HashOf(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed record IngestionJob(string Collection, string File);
}
