using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Core.Options;
using Strata.Data.Ingestion;
using Strata.Models.Catalog;
using Strata.Orchestration.Ingestion;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>
/// Ingests uploaded documents in the background, <c>Server:IngestionWorkers</c> at a time (so one huge document cannot
/// hold up every small one), from a queue of at most <c>Server:IngestionQueueLength</c>: an upload beyond it is refused
/// with 429 before anything is stored. Each document's state lives in the collection's ingestion ledger
/// (<c>queued → processing → ready | failed</c>), so clients poll it and a restart picks up documents still queued.
/// A document's try ends after <c>Server:IngestionTimeoutSeconds</c>; one that timed out or crashed the server
/// <c>Server:IngestionAttempts</c> times is failed, not retried again. Dropping a collection, removing a document or
/// uploading a new version stops the work on it.
/// </summary>
public sealed class IngestionQueue : BackgroundService
{
    private readonly Channel<IngestionJob> jobs = Channel.CreateUnbounded<IngestionJob>();
    private readonly Lock gate = new();
    private readonly HashSet<IngestionJob> waiting = [];
    private readonly ConcurrentDictionary<IngestionJob, Run> running = new();
    private readonly OpenCollections collections;
    private readonly ModelCatalog catalog;
    private readonly StrataPaths paths;
    private readonly UploadFolder uploads;
    private readonly IngestionAttempts attempts;
    private readonly ServerOptions options;
    private readonly string defaultEmbeddingModel;
    private readonly ILogger<IngestionQueue> logger;

    /// <summary>Creates the queue from the bound server options.</summary>
    public IngestionQueue(
        OpenCollections collections, ModelCatalog catalog, StrataPaths paths, UploadFolder uploads, ServerOptions options,
        ModelsOptions models, ILogger<IngestionQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(models);
        this.collections = collections;
        this.catalog = catalog;
        this.paths = paths;
        this.uploads = uploads;
        this.options = options;
        this.logger = logger;
        attempts = new IngestionAttempts(uploads);
        defaultEmbeddingModel = models.DefaultEmbedding;
    }

    /// <summary>
    /// Queues staged uploads for ingestion into <paramref name="collection"/>, all or none: when the queue has no room
    /// for every changed one, each staged file is discarded and nothing stored is touched (429). Otherwise each changed
    /// file is moved into place and marked queued; one whose bytes are already ready (or failed) keeps its record.
    /// </summary>
    /// <exception cref="OpenAiRequestException">The queue is full (429).</exception>
    public IReadOnlyList<IngestedDocument> Enqueue(string collection, IReadOnlyList<StagedUpload> staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        lock (gate)
        {
            using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, collection));
            var plans = staged.Select(upload =>
            {
                var previous = ledger.Find(upload.Target);
                var hash = HashOf(upload.Staged);
                var unchanged = previous is { State: DocumentState.Ready or DocumentState.Failed } && previous.ContentHash == hash && File.Exists(upload.Target);
                return (Upload: upload, Hash: hash, Previous: previous, Unchanged: unchanged);
            }).ToList();
            var needed = plans.Count(plan => !plan.Unchanged && !waiting.Contains(new IngestionJob(collection, plan.Upload.Target)));
            if (waiting.Count + needed > options.IngestionQueueLength)
            {
                foreach (var plan in plans)
                {
                    UploadFolder.Discard(plan.Upload.Staged);
                }

                throw new OpenAiRequestException("The ingestion queue is full; retry when the documents already queued are done. Nothing of this upload was stored.",
                    code: "ingestion_queue_full", statusCode: StatusCodes.Status429TooManyRequests);
            }

            var documents = new List<IngestedDocument>(plans.Count);
            foreach (var plan in plans)
            {
                if (plan.Unchanged)
                {
                    UploadFolder.Discard(plan.Upload.Staged);
                    documents.Add(plan.Previous!);
                    continue;
                }

                var job = new IngestionJob(collection, plan.Upload.Target);
                if (running.TryGetValue(job, out var current))
                {
                    current.Stop(StopReason.Superseded);
                }

                UploadFolder.Commit(plan.Upload.Staged, plan.Upload.Target);
                attempts.Clear(collection, plan.Upload.Target);
                // Marked before it is queued, so a worker's "processing" can never be overwritten by a late "queued".
                var queued = new IngestedDocument(plan.Upload.Target, plan.Hash, DocumentState.Queued, null, plan.Previous?.Title, plan.Previous?.Chunks ?? 0, [], DateTimeOffset.UtcNow);
                ledger.Save(queued);
                if (waiting.Add(job))
                {
                    jobs.Writer.TryWrite(job);
                }

                documents.Add(queued);
            }

            return documents;
        }
    }

    /// <summary>Stops the work on every document of <paramref name="collection"/> and waits for it to end (before a drop).</summary>
    public Task StopCollectionAsync(string collection) => StopAsync(job => job.Collection == collection, StopReason.Removed);

    /// <summary>Stops the work on one document and waits for it to end (before it is removed).</summary>
    public Task StopDocumentAsync(string collection, string file) =>
        StopAsync(job => job.Collection == collection && job.File == file, StopReason.Removed);

    /// <summary>Forgets what is kept about <paramref name="file"/>'s tries (it was removed).</summary>
    public void Forget(string collection, string file) => attempts.Clear(collection, file);

    private async Task StopAsync(Func<IngestionJob, bool> which, StopReason reason)
    {
        List<Run> stopped;
        lock (gate)
        {
            // Waiting jobs find their collection or file gone when their turn comes, and end there.
            waiting.RemoveWhere(job => which(job));
            stopped = running.Where(pair => which(pair.Key)).Select(pair => pair.Value).ToList();
        }

        foreach (var run in stopped)
        {
            run.Stop(reason);
        }

        try
        {
            await Task.WhenAll(stopped.Select(run => run.Done)).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // A parser that ignores cancellation: what it writes later goes to a collection or file that is gone.
            logger.LogWarning("Ingestion work did not stop within 30 s of being stopped");
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await RequeueUnfinishedAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, options.IngestionWorkers).Select(_ => WorkAsync(stoppingToken)));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
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

    private async Task IngestAsync(IngestionJob job, CancellationToken stoppingToken)
    {
        var run = new Run(CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        lock (gate)
        {
            if (!waiting.Remove(job))
            {
                return; // Stopped (its collection dropped or the document removed) while it waited.
            }

            if (running.TryGetValue(job, out var previous))
            {
                // An older version of the same file is still stopping; this one starts when it has.
                run.After(previous.Done);
            }

            running[job] = run;
        }

        try
        {
            await run.Previous;
            if (!await collections.ExistsAsync(job.Collection, stoppingToken) || !File.Exists(job.File))
            {
                return; // Dropped (with its uploads) while the document waited.
            }

            await IngestOnceAsync(job, run, stoppingToken);
        }
        finally
        {
            running.TryRemove(new KeyValuePair<IngestionJob, Run>(job, run));
            run.Finish();
        }
    }

    private async Task IngestOnceAsync(IngestionJob job, Run run, CancellationToken stoppingToken)
    {
        if (run.Reason != StopReason.None)
        {
            return;
        }

        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, job.Collection));
        var tries = attempts.Start(job.Collection, job.File);
        if (tries > options.IngestionAttempts)
        {
            attempts.Clear(job.Collection, job.File);
            Fail(ledger, job, $"stopped {tries - 1} times without finishing (it ran past Server:IngestionTimeoutSeconds or the server went down while ingesting it); not tried again until it changes");
            return;
        }

        run.Cancellation.CancelAfter(TimeSpan.FromSeconds(options.IngestionTimeoutSeconds));
        try
        {
            var collection = await collections.GetAsync(job.Collection, run.Cancellation.Token);
            var embedder = await CollectionIngestion.EmbedderForAsync(catalog, collection, defaultEmbeddingModel, run.Cancellation.Token);
            await CollectionIngestion.Pipeline(collection, ledger, embedder, logger: logger).IngestAsync([job.File], cancellationToken: run.Cancellation.Token);
            attempts.Clear(job.Collection, job.File);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && run.Cancellation.IsCancellationRequested)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the document stays queued (or processing) in the ledger and is picked up at the next start.
                attempts.Interrupted(job.Collection, job.File);
            }
            else if (run.Reason == StopReason.None)
            {
                TimedOut(ledger, job, tries);
            }
        }
        catch (Exception e) when (run.Reason == StopReason.None)
        {
            logger.LogError(e, "Ingesting an upload into {Collection} failed", job.Collection);
            attempts.Clear(job.Collection, job.File);
            Fail(ledger, job, "ingestion failed: " + e.GetType().Name);
        }
        catch (Exception)
        {
            // Superseded or removed while it ran: what it did is replaced or deleted.
        }
    }

    private void TimedOut(IngestionLedger ledger, IngestionJob job, int tries)
    {
        if (tries >= options.IngestionAttempts)
        {
            attempts.Clear(job.Collection, job.File);
            Fail(ledger, job, $"ran past Server:IngestionTimeoutSeconds ({options.IngestionTimeoutSeconds} s) {tries} times; not tried again until it changes");
            return;
        }

        var record = ledger.Find(job.File);
        ledger.Save(new IngestedDocument(job.File, record?.ContentHash ?? "", DocumentState.Queued,
            $"try {tries} ran past {options.IngestionTimeoutSeconds} s; queued again", record?.Title, record?.Chunks ?? 0, [], DateTimeOffset.UtcNow));
        lock (gate)
        {
            if (waiting.Add(job))
            {
                jobs.Writer.TryWrite(job);
            }
        }
    }

    private static void Fail(IngestionLedger ledger, IngestionJob job, string reason)
    {
        var record = ledger.Find(job.File);
        ledger.Save(new IngestedDocument(job.File, record?.ContentHash ?? "", DocumentState.Failed, reason, record?.Title, 0, record?.Steps ?? [], DateTimeOffset.UtcNow));
    }

    /// <summary>Queues again the uploads a previous run of the server accepted but did not finish (the queue's length does not apply).</summary>
    private async Task RequeueUnfinishedAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<string> names;
        try
        {
            names = await collections.Database.ListAsync(stoppingToken);
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
                var job = new IngestionJob(name, document.Source);
                lock (gate)
                {
                    if (waiting.Add(job))
                    {
                        jobs.Writer.TryWrite(job);
                    }
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

    private enum StopReason
    {
        None,
        Superseded,
        Removed,
    }

    /// <summary>One document's try: how to stop it, why it was stopped, and when it has ended.</summary>
    private sealed class Run(CancellationTokenSource cancellation)
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile StopReason reason;

        public CancellationTokenSource Cancellation => cancellation;

        public StopReason Reason => reason;

        public Task Done => done.Task;

        public Task Previous { get; private set; } = Task.CompletedTask;

        public void After(Task previous) => Previous = previous;

        public void Stop(StopReason why)
        {
            reason = why;
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }

        public void Finish()
        {
            cancellation.Dispose();
            done.TrySetResult();
        }
    }
}

/// <summary>An upload written to a staging file, and the file it becomes once the queue takes it.</summary>
/// <param name="Staged">The staging file.</param>
/// <param name="Target">Its place in the collection's upload folder.</param>
public sealed record StagedUpload(string Staged, string Target);
