using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Ingestion;

/// <summary>
/// Ingests files into a collection through named, idempotent steps: <c>extract → chunk → embed → store</c>.
/// </summary>
/// <remarks>
/// Chunk ids are derived from the source and the chunk's position, so storing again replaces rather than duplicates,
/// and a run interrupted anywhere can simply be run again. A document is marked ready only after its chunks are
/// stored; one that fails (corrupt, unsupported, empty, too large) fails alone with its reason and the rest go on.
/// Chunks of several documents are embedded together, so many small files still fill the embedding batches.
/// Up to <c>embeddingBatchChunks</c> chunks (512 by default) go to the embedder in one call: the generator groups a
/// call's texts by length before padding, and on Debian's reference manual 128-chunk calls left the pipeline at 0.88
/// of embedding all chunks in one call, 512-chunk calls at 1.02 (bench/run.sh ingestion, same quiet machine).
/// </remarks>
public sealed class IngestionPipeline(
    IVectorCollection collection,
    IngestionLedger ledger,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    DocumentLoader loader,
    RecursiveChunker chunker,
    int embeddingBatchChunks = 512,
    ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    /// <summary>The step names recorded per document, in order.</summary>
    public static readonly IReadOnlyList<string> StepNames = ["extract", "chunk", "embed", "store"];

    /// <summary>
    /// Ingests files, folders and (when the loader allows URLs) http or https pages; documents of a folder that no
    /// longer exist are removed from the collection.
    /// </summary>
    public async Task<IngestionReport> IngestAsync(
        IReadOnlyList<string> paths, FolderLoadOptions? folderOptions = null, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        var roots = new List<string>();
        foreach (var input in paths)
        {
            if (WebSource.IsUrl(input))
            {
                files.Add(input);
                continue;
            }

            var path = Path.GetFullPath(input);
            if (Directory.Exists(path))
            {
                roots.Add(path.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar);
                files.AddRange(DocumentLoader.FolderFiles(path, folderOptions ?? new FolderLoadOptions()).Select(Path.GetFullPath));
            }
            else
            {
                files.Add(path);
            }
        }

        files = files.Distinct(StringComparer.Ordinal).ToList();
        var known = ledger.List().ToDictionary(d => d.Source, StringComparer.Ordinal);
        var removed = await RemoveVanishedAsync(known, roots, files, cancellationToken);

        int added = 0, updated = 0, unchanged = 0, chunkCount = 0, done = 0;
        var failed = new List<IngestedDocument>();
        var pending = new List<PreparedDocument>();

        async Task FlushAsync()
        {
            foreach (var outcome in await EmbedAndStoreAsync(pending, cancellationToken))
            {
                if (outcome.State == DocumentState.Ready)
                {
                    chunkCount += outcome.Chunks;
                    if (known.ContainsKey(outcome.Source))
                    {
                        updated++;
                    }
                    else
                    {
                        added++;
                    }
                }
                else
                {
                    failed.Add(outcome);
                }

                progress?.Report(new IngestionProgress(++done, files.Count, outcome.Source, outcome.State));
            }

            pending.Clear();
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prepared = await PrepareAsync(file, known.GetValueOrDefault(file), cancellationToken);
            if (prepared.Skipped)
            {
                unchanged++;
                progress?.Report(new IngestionProgress(++done, files.Count, file, prepared.Record.State));
                continue;
            }

            if (prepared.Record.State == DocumentState.Failed)
            {
                failed.Add(prepared.Record);
                progress?.Report(new IngestionProgress(++done, files.Count, file, DocumentState.Failed));
                continue;
            }

            pending.Add(prepared);
            if (pending.Sum(p => p.Chunks.Count) >= embeddingBatchChunks)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new IngestionReport(added, updated, unchanged, removed, failed, chunkCount);
    }

    /// <summary>Extract and chunk one file or URL (cheap, local); an unchanged one is skipped, a failure is recorded.</summary>
    private async Task<PreparedDocument> PrepareAsync(string source, IngestedDocument? previous, CancellationToken cancellationToken)
    {
        DocumentLoadResult? downloaded = null;
        string hash;
        if (WebSource.IsUrl(source))
        {
            // A page is known only once downloaded, so it is fetched every run; its extracted text is what is hashed,
            // since servers often vary the bytes (dates, tokens in markup) of content that has not changed.
            using (var extract = DataTelemetry.Start("ingest.extract", collection.Spec.Name))
            {
                downloaded = await loader.LoadUrlAsync(new Uri(source), cancellationToken);
                extract?.SetTag("strata.document.ok", downloaded.IsSuccess);
            }

            if (!downloaded.IsSuccess)
            {
                return PreparedDocument.Failure(Save(Record(source, "", DocumentState.Failed, downloaded.FailureReason, null, 0, [])));
            }

            hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(downloaded.Document.Text)));
        }
        else
        {
            try
            {
                using var stream = File.OpenRead(source);
                hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.DocumentFailed(collection.Spec.Name, source, $"cannot read the file: {e.Message}");
                return PreparedDocument.Failure(Record(source, "", DocumentState.Failed, $"cannot read the file: {e.Message}", null, 0, []));
            }
        }

        // Same bytes as last time: a ready document stays ready, a failed one stays failed until it changes.
        if (previous is { State: DocumentState.Ready or DocumentState.Failed } && previous.ContentHash == hash)
        {
            log.DocumentUnchanged(collection.Spec.Name, source);
            return new PreparedDocument(previous, null, [], previous.Chunks, Skipped: true);
        }

        ledger.Save(Record(source, hash, DocumentState.Processing, null, null, previous?.Chunks ?? 0, []));
        var loaded = downloaded ?? Extract(source);

        if (!loaded.IsSuccess)
        {
            return PreparedDocument.Failure(Save(Record(source, hash, DocumentState.Failed, loaded.FailureReason, null, 0, [])));
        }

        log.DocumentExtracted(collection.Spec.Name, source, loaded.Document!.Text.Length);
        log.DocumentText(collection.Spec.Name, source, loaded.Document.Text);
        IReadOnlyList<DocumentChunk> chunks;
        using (var chunking = DataTelemetry.Start("ingest.chunk", collection.Spec.Name))
        {
            chunks = chunker.Chunk(loaded.Document!);
            chunking?.SetTag("strata.chunks", chunks.Count);
        }

        if (chunks.Count > ExtractionLimits.MaxChunks)
        {
            return PreparedDocument.Failure(Save(Record(source, hash, DocumentState.Failed,
                $"the document splits into {chunks.Count:N0} chunks; the limit for one document is {ExtractionLimits.MaxChunks:N0}", loaded.Document!.Title, 0, ["extract"])));
        }

        if (chunks.Count == 0)
        {
            return PreparedDocument.Failure(Save(Record(source, hash, DocumentState.Failed, "the document has no text to index", loaded.Document!.Title, 0, ["extract"])));
        }

        log.DocumentChunked(collection.Spec.Name, source, chunks.Count);
        var record = Record(source, hash, DocumentState.Processing, null, loaded.Document!.Title, chunks.Count, ["extract", "chunk"]);
        return new PreparedDocument(Save(record), loaded.Document, chunks, previous?.Chunks ?? 0, Skipped: false);
    }

    private DocumentLoadResult Extract(string file)
    {
        using var extract = DataTelemetry.Start("ingest.extract", collection.Spec.Name);
        var loaded = loader.LoadFile(file);
        extract?.SetTag("strata.document.ok", loaded.IsSuccess);
        return loaded;
    }

    private async Task<List<IngestedDocument>> EmbedAndStoreAsync(List<PreparedDocument> documents, CancellationToken cancellationToken)
    {
        var outcomes = new List<IngestedDocument>();
        if (documents.Count == 0)
        {
            return outcomes;
        }

        GeneratedEmbeddings<Embedding<float>> vectors;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var embedding = DataTelemetry.Start("ingest.embed", collection.Spec.Name);
        embedding?.SetTag("strata.chunks", documents.Sum(d => d.Chunks.Count));
        try
        {
            vectors = await embedder.GenerateAsync(documents.SelectMany(d => d.Chunks).Select(c => c.ContextualText).ToList(), cancellationToken: cancellationToken);
            log.ChunksEmbedded(collection.Spec.Name, vectors.Count, documents.Count, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return documents.Select(d => Save(d.Record with { State = DocumentState.Failed, Reason = $"embedding failed: {e.Message}", Updated = DateTimeOffset.UtcNow })).ToList();
        }

        var offset = 0;
        foreach (var document in documents)
        {
            var records = document.Chunks.Select((chunk, i) => ToRecord(document, chunk, vectors[offset + i].Vector.ToArray())).ToList();
            offset += document.Chunks.Count;
            using var storing = DataTelemetry.Start("ingest.store", collection.Spec.Name);
            storing?.SetTag("strata.chunks", records.Count);
            try
            {
                await collection.UpsertAsync(records, cancellationToken);
                // Chunks beyond the new count belonged to the previous version of the document.
                var stale = Enumerable.Range(records.Count, Math.Max(0, document.PreviousChunks - records.Count)).Select(i => ChunkId(document.Record.Source, i)).ToList();
                if (stale.Count > 0)
                {
                    await collection.DeleteAsync(stale, cancellationToken);
                }

                outcomes.Add(Save(document.Record with { State = DocumentState.Ready, Steps = StepNames, Updated = DateTimeOffset.UtcNow }));
            }
            catch (StrataDataException e)
            {
                outcomes.Add(Save(document.Record with { State = DocumentState.Failed, Reason = $"storing failed: {e.Message}", Updated = DateTimeOffset.UtcNow }));
            }
        }

        return outcomes;
    }

    private async Task<int> RemoveVanishedAsync(Dictionary<string, IngestedDocument> known, List<string> roots, List<string> files, CancellationToken cancellationToken)
    {
        var present = files.ToHashSet(StringComparer.Ordinal);
        var vanished = known.Keys.Where(source => !present.Contains(source) && roots.Any(root => source.StartsWith(root, StringComparison.Ordinal))).ToList();
        foreach (var source in vanished)
        {
            await collection.DeleteAsync(SourceFilter(source), cancellationToken);
            ledger.Remove(source);
            known.Remove(source);
        }

        return vanished.Count;
    }

    /// <summary>The filter matching every chunk of <paramref name="source"/>.</summary>
    public static MetadataFilter SourceFilter(string source) =>
        MetadataFilter.Parse(new JsonObject { ["field"] = DocumentText.SourceKey, ["eq"] = source });

    /// <summary>A chunk's id: stable for a source and position, so re-ingesting replaces it.</summary>
    public static string ChunkId(string source, int index) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..24]}-{index}";

    private static VectorRecord ToRecord(PreparedDocument document, DocumentChunk chunk, float[] vector)
    {
        var metadata = new JsonObject
        {
            [DocumentText.SourceKey] = document.Record.Source,
            ["chunk"] = chunk.Index,
            ["start"] = chunk.StartOffset,
            ["end"] = chunk.EndOffset,
        };
        if (document.Document!.Title is { Length: > 0 } title)
        {
            metadata["title"] = title;
        }

        if (chunk.PageNumber is { } page)
        {
            metadata["page"] = page;
        }

        if (chunk.HeadingPath.Count > 0)
        {
            metadata["section"] = string.Join(" > ", chunk.HeadingPath);
        }

        return new VectorRecord(ChunkId(document.Record.Source, chunk.Index), vector, chunk.Text, metadata);
    }

    private IngestedDocument Save(IngestedDocument record)
    {
        ledger.Save(record);
        if (record.State == DocumentState.Ready)
        {
            log.DocumentReady(collection.Spec.Name, record.Source, record.Chunks);
        }
        else if (record.State == DocumentState.Failed)
        {
            log.DocumentFailed(collection.Spec.Name, record.Source, record.Reason ?? "");
        }

        return record;
    }

    private static IngestedDocument Record(string source, string hash, DocumentState state, string? reason, string? title, int chunks, IReadOnlyList<string> steps) =>
        new(source, hash, state, reason, title, chunks, steps, DateTimeOffset.UtcNow);

    private sealed record PreparedDocument(IngestedDocument Record, LoadedDocument? Document, IReadOnlyList<DocumentChunk> Chunks, int PreviousChunks, bool Skipped)
    {
        public static PreparedDocument Failure(IngestedDocument record) => new(record, null, [], 0, Skipped: false);
    }
}
