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
    public int Upsert(IReadOnlyList<VectorRecord> records)
    {
        using var activity = CollectionCallStart.Upsert(Spec, records, out var metadata);
        if (records.Count == 0)
        {
            return 0;
        }

        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            PostgresVectorDatabase.Execute(connection, transaction,
                $"CREATE TEMP TABLE strata_upsert (id text COLLATE \"C\", embedding vector({Spec.Dimension.ToString(CultureInfo.InvariantCulture)}), document text, metadata jsonb) ON COMMIT DROP");
            CopyInto(connection, "strata_upsert", records, metadata);
            PostgresVectorDatabase.Execute(connection, transaction,
                $"""
                INSERT INTO {table} (id, embedding, document, metadata) SELECT id, embedding, document, metadata FROM strata_upsert
                ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, document = EXCLUDED.document, metadata = EXCLUDED.metadata
                """);
            transaction.Commit();
            return records.Count;
        });
    }

    /// <summary>Deletes the records with these ids in one transaction; returns how many existed.</summary>
    public int Delete(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var unique = ids.Distinct(StringComparer.Ordinal).ToArray();
        return unique.Length == 0 ? 0 : Run(connection =>
        {
            using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", unique);
            return command.ExecuteNonQuery();
        });
    }

    /// <summary>Deletes every record whose metadata matches <paramref name="filter"/> in one statement; returns how many.</summary>
    public int Delete(MetadataFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        return Run(connection =>
        {
            using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE {where}", connection);
            command.Parameters.AddRange(parameters.ToArray());
            return command.ExecuteNonQuery();
        });
    }
}
