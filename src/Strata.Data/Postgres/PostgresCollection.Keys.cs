using System.Globalization;
using Npgsql;
using Strata.Data.Collections;

namespace Strata.Data.Postgres;

/// <summary>Integer keys for records whose key the caller leaves to the store (the VectorData contract's generated keys).</summary>
public sealed partial class PostgresCollection
{
    /// <summary>
    /// Reserves <paramref name="count"/> keys from the collection's sequence (see <see cref="IVectorCollection.ReserveKeysAsync"/>).
    /// The sequence is created on first use, owned by the table (so it goes when the collection is dropped), and starts above
    /// the largest decimal id already stored; several processes can draw from it at once.
    /// </summary>
    public Task<IReadOnlyList<long>> ReserveKeysAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var sequence = PostgresSchema.Index(TableId, "keys");
        return RunAsync<IReadOnlyList<long>>(async connection =>
        {
            await EnsureKeySequenceAsync(connection, sequence, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT nextval('{sequence}') FROM generate_series(1, @n)", connection);
            command.Parameters.AddWithValue("n", count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<long>(count);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(reader.GetInt64(0));
            }

            return keys;
        }, cancellationToken);
    }

    private async Task EnsureKeySequenceAsync(NpgsqlConnection connection, string sequence, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{sequence}') IS NOT NULL", connection))
        {
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return;
            }
        }

        // Created under the schema lock, so two processes reserving the first keys at once create it once. An id of at
        // most 18 digits always fits a bigint.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(
            $$"""
            SELECT pg_advisory_xact_lock({{PostgresSchema.SchemaLockKey.ToString(CultureInfo.InvariantCulture)}});
            CREATE SEQUENCE IF NOT EXISTS {{sequence}} OWNED BY {{table}}.id;
            SELECT setval('{{sequence}}', coalesce((SELECT max(id::bigint) FROM {{table}} WHERE id ~ '^[0-9]{1,18}$'), 0) + 1, false)
            WHERE NOT EXISTS (SELECT 1 FROM {{sequence}} WHERE is_called);
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
