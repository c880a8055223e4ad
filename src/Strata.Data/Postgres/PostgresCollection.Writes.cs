using System.Globalization;
using Npgsql;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

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
            // Documents whose text changes: the ones the replaced records named and the ones the new records name.
            var sources = await ReadSourcesAsync(connection, transaction,
                $"SELECT DISTINCT r.metadata->>'source' FROM {table} r JOIN strata_upsert u ON u.id = r.id WHERE jsonb_typeof(r.metadata->'source') = 'string'",
                cancellationToken).ConfigureAwait(false);
            sources.UnionWith(records.Select(DocumentText.SourceOf).OfType<string>());
            await PostgresVectorDatabase.ExecuteAsync(connection, transaction,
                $"""
                INSERT INTO {table} (id, embedding, document, metadata) SELECT id, embedding, document, metadata FROM strata_upsert
                ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, document = EXCLUDED.document, metadata = EXCLUDED.metadata
                """, cancellationToken).ConfigureAwait(false);
            await RefreshSourcesAsync(connection, transaction, sources, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return records.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the records with these ids in one transaction; returns how many existed.</summary>
    public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var unique = ids.Distinct(StringComparer.Ordinal).ToArray();
        return unique.Length == 0 ? Task.FromResult(0) : DeleteWhereAsync("id = ANY(@ids)", [new NpgsqlParameter("ids", unique)], cancellationToken);
    }

    /// <summary>Deletes every record whose metadata matches <paramref name="filter"/> in one statement; returns how many.</summary>
    public Task<int> DeleteAsync(MetadataFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = JsonbFilterTranslator.Translate(filter);
        return DeleteWhereAsync(where, parameters, cancellationToken);
    }

    /// <summary>Deletes the matching records and refreshes the texts of the documents they named, in one transaction.</summary>
    private Task<int> DeleteWhereAsync(string where, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE {where} RETURNING CASE WHEN jsonb_typeof(metadata->'source') = 'string' THEN metadata->>'source' END", connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        var (deleted, sources) = (0, new HashSet<string>(StringComparer.Ordinal));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                deleted++;
                if (!reader.IsDBNull(0))
                {
                    sources.Add(reader.GetString(0));
                }
            }
        }

        await RefreshSourcesAsync(connection, transaction, sources, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }, cancellationToken);
}
