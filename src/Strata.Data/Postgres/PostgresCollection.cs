using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;

namespace Strata.Data.Postgres;

/// <summary>
/// One collection in PostgreSQL: reads, stats and snapshots here; writes and queries in the other parts of this class.
/// Holds no connection: each call borrows one from the database's pool, so the object is cheap and thread-safe.
/// Metadata is stored as jsonb, which keeps values but not the order of keys.
/// </summary>
public sealed partial class PostgresCollection : IVectorCollection
{
    private const string RecordColumns = "id, embedding, document, metadata::text";

    private readonly PostgresVectorDatabase database;
    private readonly string table;
    private bool disposed;

    internal PostgresCollection(PostgresVectorDatabase database, CollectionSpec spec, long tableId)
    {
        this.database = database;
        Spec = spec;
        TableId = tableId;
        table = PostgresSchema.Table(tableId);
    }

    /// <summary>The collection's definition.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The collection's name.</summary>
    public string Name => Spec.Name;

    internal long TableId { get; }

    /// <summary>The records with these ids, in the order asked (missing ids are skipped).</summary>
    public IReadOnlyList<VectorRecord> Get(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct(StringComparer.Ordinal).ToArray();
        var found = Run(connection => ReadRecords(connection, null, $"SELECT {RecordColumns} FROM {table} WHERE id = ANY(@ids)", new NpgsqlParameter("ids", wanted)))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
        return [.. wanted.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>How many records match <paramref name="filter"/> (all when null).</summary>
    public long Count(MetadataFilter? filter = null) => Run(connection => CountMatching(connection, null, filter));

    /// <summary>One page of records matching <paramref name="filter"/>, in id order (code points), after <paramref name="cursor"/>.</summary>
    public ScrollPage Scroll(MetadataFilter? filter = null, string? cursor = null, int limit = 100)
    {
        if (limit is < 1 or > 10_000)
        {
            throw new StrataDataException($"Scroll limit must be between 1 and 10000, got {limit}.");
        }

        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        var records = Run(connection => ReadRecords(connection, null,
            $"SELECT {RecordColumns} FROM {table} WHERE id > @cursor AND {where} ORDER BY id LIMIT @limit",
            [.. parameters, new NpgsqlParameter("cursor", cursor ?? ""), new NpgsqlParameter("limit", limit + 1)]));
        var more = records.Count > limit;
        if (more)
        {
            records.RemoveAt(limit);
        }

        return new ScrollPage(records, more ? records[^1].Id : null);
    }

    /// <summary>
    /// Count, bytes on disk (table, TOAST and indexes), dead rows awaiting vacuum (as index tombstones) and the index state:
    /// pgvector maintains its HNSW index inside every write transaction, so it is "current" unless PostgreSQL marks it invalid.
    /// </summary>
    public CollectionStats Stats() => Run(connection =>
    {
        var count = CountMatching(connection, null, null);
        using var command = new NpgsqlCommand(
            $"""
            SELECT pg_total_relation_size('{table}'::regclass),
                   coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '{table}'::regclass), 0),
                   coalesce((SELECT bool_and(indisvalid AND indisready) FROM pg_index WHERE indrelid = '{table}'::regclass), true)
            """, connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        var bytes = reader.GetInt64(0);
        var dead = reader.GetInt64(1);
        var valid = reader.GetBoolean(2);
        return new CollectionStats(Name, count, bytes, (int)Math.Min(count, int.MaxValue), (int)Math.Min(dead, int.MaxValue), valid ? 0 : -1, 0);
    });

    /// <summary>
    /// Writes the collection to <paramref name="snapshotPath"/> in the collection file format (a SQLite file that either
    /// backend restores). Read in one REPEATABLE READ transaction, so writes going on meanwhile are either wholly in the
    /// snapshot or wholly out of it; the file is written under a temporary name and renamed.
    /// </summary>
    public void Snapshot(string snapshotPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        Run(connection =>
        {
            using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM {table} ORDER BY id", connection, transaction);
            using var reader = command.ExecuteReader();
            CollectionFile.Write(snapshotPath, Spec, Stream(reader));
            return 0;
        });

        static IEnumerable<(VectorRecord, string)> Stream(NpgsqlDataReader reader)
        {
            while (reader.Read())
            {
                var metadata = reader.GetString(3);
                yield return (ReadRecord(reader), metadata);
            }
        }
    }

    /// <summary>Nothing to release (connections are pooled by the database); later calls fail.</summary>
    public void Dispose() => disposed = true;

    /// <summary>Bulk-loads records with binary COPY into <paramref name="target"/> (a table with the same four columns).</summary>
    internal static void CopyInto(NpgsqlConnection connection, string target, IReadOnlyList<VectorRecord> records, IReadOnlyList<string> metadata)
    {
        using var writer = connection.BeginBinaryImport($"COPY {target} (id, embedding, document, metadata) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < records.Count; i++)
        {
            writer.StartRow();
            writer.Write(records[i].Id, NpgsqlDbType.Text);
            writer.Write(new Vector(records[i].Vector));
            if (records[i].Document is { } document)
            {
                writer.Write(document, NpgsqlDbType.Text);
            }
            else
            {
                writer.WriteNull();
            }

            writer.Write(metadata[i], NpgsqlDbType.Jsonb);
        }

        writer.Complete();
    }

    private T Run<T>(Func<NpgsqlConnection, T> body)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return database.Run(Name, body);
    }

    private long CountMatching(NpgsqlConnection connection, NpgsqlTransaction? transaction, MetadataFilter? filter)
    {
        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {where}", connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        return (long)command.ExecuteScalar()!;
    }

    private static List<VectorRecord> ReadRecords(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params NpgsqlParameter[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        using var reader = command.ExecuteReader();
        var records = new List<VectorRecord>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static VectorRecord ReadRecord(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetFieldValue<Vector>(1).ToArray(),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        JsonNode.Parse(reader.GetString(3)) as JsonObject);
}
