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
    private readonly Lock gate = new();
    private readonly ILogger logger;
    private HnswIndex index;
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

        CatchUp();
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
            SqliteStore.Execute(connection, "INSERT INTO settings(key, value) VALUES (@k, @v), (@s, '0')", transaction,
                ("@k", CollectionSchema.SpecKey), ("@v", JsonSerializer.Serialize(spec)), ("@s", CollectionSchema.SequenceKey));
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
    public CollectionStats Stats()
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
            using (var tombstones = SqliteStore.Command(connection, "SELECT id FROM tombstones WHERE seq > @h", transaction, ("@h", from)))
            using (var reader = tombstones.ExecuteReader())
            {
                while (reader.Read())
                {
                    index.Delete(reader.GetString(0));
                }
            }

            using (var rows = SqliteStore.Command(connection, "SELECT id, vector FROM records WHERE seq > @h ORDER BY seq", transaction, ("@h", from)))
            using (var reader = rows.ExecuteReader())
            {
                while (reader.Read())
                {
                    index.Upsert(reader.GetString(0), SqliteStore.FromBlob((byte[])reader[1]));
                }
            }

            transaction.Commit();
            index.HighWaterMark = sequence;
            indexDirty = true;
            if (index.NeedsCompaction)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var tombstones = index.TombstoneCount;
                index = index.Compacted();
                logger.IndexCompacted(Spec.Name, tombstones, index.Count, clock.Elapsed.TotalMilliseconds);
            }
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, Name);
        }
    }
}
