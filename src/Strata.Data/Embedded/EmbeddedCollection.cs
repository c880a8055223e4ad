using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Data.Collections;
using Strata.Data.Hnsw;

namespace Strata.Data.Embedded;

/// <summary>
/// One collection of the embedded store: a SQLite file in WAL mode (the source of truth: records, metadata JSON,
/// an FTS5 table) and an HNSW index file beside it that is only a cache, caught up from SQLite's change sequence
/// when opened and before each query. Safe to use from several threads (calls are serialised) and several
/// processes (SQLite arbitrates; a blocked writer fails after a bounded wait).
/// </summary>
public sealed partial class EmbeddedCollection : IVectorCollection
{
    private readonly SqliteConnection connection;
    // gate serialises writers, catch-ups and the main connection; indexLock lets searches walk the index in parallel and
    // holds them back only while a catch-up applies committed changes or a compaction swaps the index in.
    private readonly Lock gate = new();
    private readonly ReaderWriterLockSlim indexLock = new(LockRecursionPolicy.NoRecursion);
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> readers = [];
    private readonly FilteredNodeCache filteredNodes = new();
    private Task compaction = Task.CompletedTask;
    private bool compactionScheduled;
    private readonly ILogger logger;

    /// <summary>Threads that link a large catch-up into the graph (at most; fewer on smaller machines).</summary>
    private const int MaxLinkingThreads = 4;

    /// <summary>
    /// Rows linked per hold of the write lock during a catch-up: a search waits for at most one chunk's linking. Two
    /// clients searching 20,000 × 384 vectors while a third upserted batches of 500 (busy 2-core machine, load 11–17):
    /// with 256 a search's p99 was 684–1,011 ms, with 32 it is 105–195 ms in six of seven runs (630 in one). The writer
    /// then gets 0.55–0.67 batches/s instead of 0.84–0.96, because the searches it no longer stalls share the cores.
    /// </summary>
    private const int LinkChunk = 32;
    private HnswIndex index;

    // The metadata of the graph's nodes, changed with the graph under the same write lock and swapped with it.
    private PayloadIndex payload = new();
    private bool indexDirty;
    private bool disposed;

    private EmbeddedCollection(string databasePath, SqliteConnection connection, CollectionSpec spec, ILogger logger)
    {
        this.logger = logger;
        DatabasePath = databasePath;
        this.connection = connection;
        Spec = spec;
        index = HnswIndex.TryLoad(IndexPath, spec.Dimension, spec.Distance, spec.IndexParameters)
            ?? new HnswIndex(spec.Dimension, spec.Distance, spec.IndexParameters);
        if (index.HighWaterMark > ReadSequence())
        {
            // The index saw changes this database never had (the file was restored from a snapshot): rebuild.
            index = new HnswIndex(spec.Dimension, spec.Distance, spec.IndexParameters);
        }

        LoadPayload();
        CatchUp();
        EnsureSourceTexts();
    }

    /// <summary>The collection's definition.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The collection's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The SQLite file.</summary>
    public string DatabasePath { get; }

    /// <summary>The HNSW index file beside the SQLite file.</summary>
    public string IndexPath => Path.ChangeExtension(DatabasePath, ".hnsw");

    /// <summary>Writes the schema and definition of a new collection into <paramref name="databasePath"/> and closes it.</summary>
    internal static void Initialize(string databasePath, CollectionSpec spec)
    {
        try
        {
            using var connection = SqliteStore.Open(databasePath, create: true);
            using var transaction = connection.BeginTransaction();
            SqliteStore.Execute(connection, CollectionSchema.Create, transaction);
            SqliteStore.Execute(connection, "INSERT INTO settings(key, value) VALUES (@k, @v), (@s, '0'), (@t, '1')", transaction,
                ("@k", CollectionSchema.SpecKey), ("@v", JsonSerializer.Serialize(spec)), ("@s", CollectionSchema.SequenceKey),
                ("@t", CollectionSchema.SourceTextsKey));
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, spec.Name);
        }
    }

    internal static EmbeddedCollection Open(string databasePath, string name, ILogger? logger = null)
    {
        SqliteConnection? connection = null;
        try
        {
            connection = SqliteStore.Open(databasePath, create: false);
            using var command = SqliteStore.Command(connection, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SpecKey));
            var json = command.ExecuteScalar() as string ?? throw new StrataDataException($"Collection '{name}' has no definition: the file is damaged.");
            var spec = JsonSerializer.Deserialize<CollectionSpec>(json) ?? throw new StrataDataException($"Collection '{name}' has an unreadable definition.");
            return new EmbeddedCollection(databasePath, connection, spec, logger ?? NullLogger.Instance);
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw SqliteStore.Explain(e, name);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>Counts, sizes and the index state.</summary>
    public Task<CollectionStats> StatsAsync(CancellationToken cancellationToken = default) => SynchronousWork.Run(Stats, cancellationToken);

    private CollectionStats Stats()
    {
        lock (gate)
        {
            CatchUp();
            var bytes = new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", IndexPath }
                .Where(File.Exists).Sum(path => new FileInfo(path).Length);
            return new CollectionStats(Name, CountUnlocked(null), bytes, index.NodeCount, index.TombstoneCount, index.HighWaterMark, ReadSequence());
        }
    }

    /// <summary>Writes the index file now if it has changed (it is also written on dispose).</summary>
    public void SaveIndex()
    {
        lock (gate)
        {
            if (indexDirty)
            {
                index.Save(IndexPath);
                indexDirty = false;
            }
        }
    }

    /// <summary>Saves the index if it changed and closes the SQLite file.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            try
            {
                if (indexDirty)
                {
                    index.Save(IndexPath);
                }
            }
            finally
            {
                connection.Dispose();
                while (readers.TryTake(out var reader))
                {
                    reader.Dispose();
                }

                indexLock.Dispose();
            }
        }
    }

    internal HnswIndex IndexForTests
    {
        get
        {
            lock (gate)
            {
                return index;
            }
        }
    }

    private long ReadSequence()
    {
        using var command = SqliteStore.Command(connection, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SequenceKey));
        return long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Applies every change above the index's high-water mark (from this or another process), then compacts if due.</summary>
    private void CatchUp()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            // One read transaction: the tombstones, rows and sequence read form one consistent snapshot.
            using var transaction = connection.BeginTransaction(deferred: true);
            using var sequenceCommand = SqliteStore.Command(connection, "SELECT value FROM settings WHERE key = @k", transaction, ("@k", CollectionSchema.SequenceKey));
            var sequence = long.Parse((string)sequenceCommand.ExecuteScalar()!, CultureInfo.InvariantCulture);
            if (sequence <= index.HighWaterMark)
            {
                return;
            }

            var from = index.HighWaterMark;
            var deletedIds = new List<string>();
            using (var tombstones = SqliteStore.Command(connection, "SELECT id FROM tombstones WHERE seq > @h", transaction, ("@h", from)))
            using (var reader = tombstones.ExecuteReader())
            {
                while (reader.Read())
                {
                    deletedIds.Add(reader.GetString(0));
                }
            }

            var rows = new List<(string Id, float[] Vector)>();
            var payloads = new List<PayloadValues>();
            using (var command = SqliteStore.Command(connection, "SELECT id, vector, metadata FROM records WHERE seq > @h ORDER BY seq", transaction, ("@h", from)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), SqliteStore.FromBlob((byte[])reader[1])));
                    payloads.Add(PayloadValues.Parse(reader.GetString(2)));
                }
            }

            transaction.Commit();
            // Searches wait only while the committed changes go into the graph, not while SQLite reads them.
            UnderWriteLock(() =>
            {
                foreach (var id in deletedIds)
                {
                    if (index.TryGetNode(id, out var node))
                    {
                        payload.Remove(node);
                    }

                    index.Delete(id);
                }
            });

            // Rows go in by chunks, the write lock released between them, so a search waits for one chunk's linking at
            // most, not for a whole batch (measured: 500-record upserts put a search's p99 at 1 s when it waited for all).
            // A search running meanwhile may see part of the batch; the batch's records are all in SQLite already.
            // A chunk's nodes are linked on several threads, so bulk catch-ups (opening a collection whose index fell
            // behind, large upserts) also take less wall time.
            // The chunk's metadata goes into the payload index under the same hold, so a filter never sees a node without it.
            for (var start = 0; start < rows.Count; start += LinkChunk)
            {
                var chunk = rows.GetRange(start, Math.Min(LinkChunk, rows.Count - start));
                var first = start;
                UnderWriteLock(() =>
                {
                    foreach (var (id, _) in chunk)
                    {
                        if (index.TryGetNode(id, out var replaced))
                        {
                            payload.Remove(replaced);
                        }
                    }

                    index.UpsertMany(chunk, Math.Min(Environment.ProcessorCount, MaxLinkingThreads));
                    for (var i = 0; i < chunk.Count; i++)
                    {
                        if (index.TryGetNode(chunk[i].Id, out var node))
                        {
                            payload.Add(node, payloads[first + i]);
                        }
                    }
                });
            }

            UnderWriteLock(() => index.HighWaterMark = sequence);

            indexDirty = true;
            if (index.NeedsCompaction)
            {
                ScheduleCompaction();
            }
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, Name);
        }
    }

    /// <summary>
    /// Rebuilds the graph without its tombstones on a background thread, never inside a query: searches go on over the
    /// old graph meanwhile (writers wait on the gate), and the new one is swapped in at once.
    /// </summary>
    private void ScheduleCompaction()
    {
        // Called under the gate. A flag, not compaction.IsCompleted: a task that has left the gate but not yet
        // completed would otherwise swallow this request, and the graph would grow without bound.
        if (compactionScheduled)
        {
            return;
        }

        compactionScheduled = true;
        compaction = Task.Run(() =>
        {
            lock (gate)
            {
                compactionScheduled = false;
                if (disposed || !index.NeedsCompaction)
                {
                    return;
                }

                var clock = System.Diagnostics.Stopwatch.StartNew();
                var tombstones = index.TombstoneCount;
                HnswIndex compacted;
                PayloadIndex compactedPayload;
                indexLock.EnterReadLock();
                try
                {
                    compacted = index.Compacted();
                    compactedPayload = payload.Remapped(NewNodesOf(index, compacted));
                }
                finally
                {
                    indexLock.ExitReadLock();
                }

                indexLock.EnterWriteLock();
                try
                {
                    index = compacted;
                    payload = compactedPayload;
                }
                finally
                {
                    indexLock.ExitWriteLock();
                }

                indexDirty = true;
                logger.IndexCompacted(Spec.Name, tombstones, compacted.Count, clock.Elapsed.TotalMilliseconds);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> on another thread while this one holds the gate, as a compaction or a writer linking
    /// its batch would (tests of searches that go on without catching up).
    /// </summary>
    internal void WhileGateHeldForTests(Action body)
    {
        // A thread of its own: waiting on a task that has not started yet may run it inline, on this thread, which holds
        // the gate and would take it again.
        Exception? failure = null;
        lock (gate)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Waits for a compaction in progress (tests and benchmarks that measure the compacted graph).</summary>
    internal void WaitForCompaction() => compaction.Wait();

    /// <summary>Runs a query with a connection of its own, on an index that reflects every committed change.</summary>
    private T Read<T>(Func<SqliteConnection, T> body)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!readers.TryTake(out var reader))
        {
            reader = SqliteStore.Open(DatabasePath, create: false);
        }

        try
        {
            using (var command = SqliteStore.Command(reader, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SequenceKey)))
            {
                // Changes committed by another process (or handle) are applied first, under the gate. When the gate is
                // busy (a writer of this process applying its batch, which its caller is still waiting for), the search
                // goes on over the graph as it stands rather than waiting for the whole batch to be linked.
                if (long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture) > WithIndex(current => current.HighWaterMark)
                    && gate.TryEnter())
                {
                    try
                    {
                        CatchUp();
                    }
                    finally
                    {
                        gate.Exit();
                    }
                }
            }

            return Guard(() => body(reader));
        }
        finally
        {
            readers.Add(reader);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with searches held back (they wait for the write lock's release), then lets the
    /// searches that queued meanwhile in before the caller can take the write lock again.
    /// </summary>
    private void UnderWriteLock(Action body)
    {
        indexLock.EnterWriteLock();
        try
        {
            body();
        }
        finally
        {
            indexLock.ExitWriteLock();
        }

        LetWaitingSearchesIn();
    }

    /// <summary>
    /// After a hold of the write lock (a catch-up takes one per chunk), gives the searches that queued for the read
    /// lock time to take it. A released write lock goes to whichever thread asks first, and a searcher woken by the
    /// release loses that race to the writer asking again at once, so without this a search waited for every chunk of
    /// the batch: two clients searching while a third upserted batches of 500 saw a p99 of 326–434 ms against 1.4–1.6
    /// ms read-only (a probe of that run: 361 and 418 ms before, 27 and 43 ms after). The wait is bounded (a few
    /// yields), so searches arriving without pause cannot hold a writer back either.
    /// </summary>
    private void LetWaitingSearchesIn()
    {
        var spin = new SpinWait();
        while (indexLock.WaitingReadCount > 0 && spin.Count < 30)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>Runs <paramref name="body"/> on the index while no catch-up or compaction changes it.</summary>
    private T WithIndex<T>(Func<HnswIndex, T> body)
    {
        indexLock.EnterReadLock();
        try
        {
            return body(index);
        }
        finally
        {
            indexLock.ExitReadLock();
        }
    }
}
