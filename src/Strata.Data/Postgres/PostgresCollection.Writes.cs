using System.Globalization;
using Npgsql;
using Strata.Data.Collections;
using Strata.Data.Filters;

namespace Strata.Data.Postgres;

/// <summary>Writes: each call is one PostgreSQL transaction, so a batch is stored whole or not at all.</summary>
public sealed partial class PostgresCollection
{
    /// <summary>
    /// Inserts or replaces <paramref name="records"/>, all or nothing; returns how many were written. Validated first with the
    /// embedded store's rules; then binary COPY into a temporary table and one INSERT … ON CONFLICT, in one transaction.
    /// Durable on return (PostgreSQL commits after the WAL is flushed, with its default synchronous_commit).
    /// </summary>
    public async Task<int> UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        using var activity = CollectionCallStart.Upsert(Spec, records, out var metadata);
        if (records.Count == 0)
        {
            return 0;
        }

        return await RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresVectorDatabase.ExecuteAsync(connection, transaction,
                $"CREATE TEMP TABLE strata_upsert (id text COLLATE \"C\", embedding vector({Spec.Dimension.ToString(CultureInfo.InvariantCulture)}), document text, metadata jsonb) ON COMMIT DROP",
                cancellationToken).ConfigureAwait(false);
            await CopyIntoAsync(connection, "strata_upsert", records, metadata, cancellationToken).ConfigureAwait(false);
            await PostgresVectorDatabase.ExecuteAsync(connection, transaction,
                $"""
                INSERT INTO {table} (id, embedding, document, metadata) SELECT id, embedding, document, metadata FROM strata_upsert
                ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, document = EXCLUDED.document, metadata = EXCLUDED.metadata
                """, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return records.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the records with these ids in one transaction; returns how many existed.</summary>
    public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var unique = ids.Distinct(StringComparer.Ordinal).ToArray();
        return unique.Length == 0 ? Task.FromResult(0) : RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", unique);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Deletes every record whose metadata matches <paramref name="filter"/> in one statement; returns how many.</summary>
    public Task<int> DeleteAsync(MetadataFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        return RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE {where}", connection);
            command.Parameters.AddRange(parameters.ToArray());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }
}
