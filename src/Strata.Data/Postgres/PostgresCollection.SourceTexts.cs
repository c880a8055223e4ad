using Npgsql;
using Strata.Data.Search;

namespace Strata.Data.Postgres;

/// <summary>
/// Document-level text (see <see cref="DocumentText"/>): each source document's terms in the collection's sources table,
/// rewritten inside every write transaction that touches a record naming it, and ranked like the records' own text.
/// </summary>
public sealed partial class PostgresCollection
{
    private static async Task<HashSet<string>> ReadSourcesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sources = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sources.Add(reader.GetString(0));
        }

        return sources;
    }

    private async Task RefreshSourcesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> sources, CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(PostgresSchema.RefreshSources(TableId), connection, transaction);
        command.Parameters.AddWithValue("sources", sources.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Source documents ranked by <c>ts_rank_cd</c> over their whole text, as the records' own text is ranked.</summary>
    private async Task<List<(string Source, double Score)>> DocumentRankAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string text, int k, CancellationToken cancellationToken)
    {
        var query = TsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(
            $"""
            SELECT source, ts_rank_cd(terms, query, 1) AS score
            FROM {PostgresSchema.SourcesTable(TableId)}, to_tsquery('{PostgresSchema.TextConfiguration}', @terms) AS query
            WHERE terms @@ query
            ORDER BY score DESC, source LIMIT @k
            """, connection, transaction);
        command.Parameters.AddWithValue("terms", query);
        command.Parameters.AddWithValue("k", k);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ranked = new List<(string, double)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ranked.Add((reader.GetString(0), reader.GetFloat(1)));
        }

        return ranked;
    }

    /// <summary>Each record's source, for the records with these ids that name one.</summary>
    private async Task<Dictionary<string, string>> SourcesOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, metadata->>'source' FROM {table} WHERE id = ANY(@ids) AND jsonb_typeof(metadata->'source') = 'string'", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sources[reader.GetString(0)] = reader.GetString(1);
        }

        return sources;
    }
}
