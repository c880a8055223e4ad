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
    public async Task<IReadOnlyList<VectorRecord>> GetAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct(StringComparer.Ordinal).ToArray();
        var found = (await RunAsync(connection => ReadRecordsAsync(connection, null, $"SELECT {RecordColumns} FROM {table} WHERE id = ANY(@ids)",
                [new NpgsqlParameter("ids", wanted)], cancellationToken), cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
        return [.. wanted.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>How many records match <paramref name="filter"/> (all when null).</summary>
    public Task<long> CountAsync(MetadataFilter? filter = null, CancellationToken cancellationToken = default) =>
        RunAsync(connection => CountMatchingAsync(connection, null, filter, cancellationToken), cancellationToken);

    /// <summary>One page of records matching <paramref name="filter"/>, in id order (code points), after <paramref name="cursor"/>.</summary>
    public async Task<ScrollPage> ScrollAsync(MetadataFilter? filter = null, string? cursor = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 10_000)
        {
            throw new StrataDataException($"Scroll limit must be between 1 and 10000, got {limit}.");
        }

        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        var records = await RunAsync(connection => ReadRecordsAsync(connection, null,
            $"SELECT {RecordColumns} FROM {table} WHERE id > @cursor AND {where} ORDER BY id LIMIT @limit",
            [.. parameters, new NpgsqlParameter("cursor", cursor ?? ""), new NpgsqlParameter("limit", limit + 1)], cancellationToken), cancellationToken).ConfigureAwait(false);
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
    public Task<CollectionStats> StatsAsync(CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        var count = await CountMatchingAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT pg_total_relation_size('{table}'::regclass),
                   coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '{table}'::regclass), 0),
                   coalesce((SELECT bool_and(indisvalid AND indisready) FROM pg_index WHERE indrelid = '{table}'::regclass), true)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var bytes = reader.GetInt64(0);
        var dead = reader.GetInt64(1);
        var valid = reader.GetBoolean(2);
        return new CollectionStats(Name, count, bytes, (int)Math.Min(count, int.MaxValue), (int)Math.Min(dead, int.MaxValue), valid ? 0 : -1, 0);
    }, cancellationToken);

    /// <summary>
    /// Writes the collection to <paramref name="snapshotPath"/> in the collection file format (a SQLite file that either
    /// backend restores). Read in one REPEATABLE READ transaction, so writes going on meanwhile are either wholly in the
    /// snapshot or wholly out of it; the file is written under a temporary name and renamed (a cancelled snapshot leaves none).
    /// </summary>
    public Task SnapshotAsync(string snapshotPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        return RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM {table} ORDER BY id", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await CollectionFile.WriteAsync(snapshotPath, Spec, Stream(reader, cancellationToken), cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

        static async IAsyncEnumerable<(VectorRecord, string)> Stream(NpgsqlDataReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var metadata = reader.GetString(3);
                yield return (ReadRecord(reader), metadata);
            }
        }
    }

    /// <summary>Nothing to release (connections are pooled by the database); later calls fail.</summary>
    public void Dispose() => disposed = true;

    /// <summary>Bulk-loads records with binary COPY into <paramref name="target"/> (a table with the same four columns).</summary>
    internal static async Task CopyIntoAsync(NpgsqlConnection connection, string target, IReadOnlyList<VectorRecord> records, IReadOnlyList<string> metadata, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} (id, embedding, document, metadata) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < records.Count; i++)
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(records[i].Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(new Vector(records[i].Vector), cancellationToken).ConfigureAwait(false);
            if (records[i].Document is { } document)
            {
                await writer.WriteAsync(document, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }

            await writer.WriteAsync(metadata[i], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return database.RunAsync(Name, body, cancellationToken);
    }

    private async Task<long> CountMatchingAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MetadataFilter? filter, CancellationToken cancellationToken)
    {
        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {where}", connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<List<VectorRecord>> ReadRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<VectorRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
