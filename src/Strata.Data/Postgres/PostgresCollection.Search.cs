using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.Postgres;

/// <summary>Queries: dense kNN through pgvector's HNSW index (or exactly), full text through tsvector, and their fusion.</summary>
public sealed partial class PostgresCollection
{
    /// <summary>The <c>K</c> nearest records to <paramref name="vector"/>, best first, scored by the collection's metric.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(float[] vector, SearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vector);
        using var activity = CollectionCallStart.Search(Spec, "dense", vector, ref options);
        SearchOptions resolved = options;
        var hits = await RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return await NearestAsync(connection, transaction, vector, resolved.DenseCandidates, resolved, resolved.FetchVectors, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return MaximalMarginalRelevance.Apply(hits, resolved);
    }

    /// <summary>
    /// Full-text search. PostgreSQL has no BM25: this ranks with <c>ts_rank_cd</c> (cover density, normalised by document
    /// length), the closest built-in. Words of <paramref name="text"/> are matched with OR; operators are not interpreted.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchTextAsync(string text, SearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "bm25", vector: null, ref options);
        SearchOptions resolved = options;
        return await RunAsync(connection => TextSearchAsync(connection, null, text, resolved.K, resolved, withDetails: true, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hybrid search: dense and full-text candidates fused by <see cref="SearchOptions.Fusion"/> with the configured weights.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchHybridAsync(float[] vector, string text, SearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "hybrid", vector, ref options);
        SearchOptions resolved = options;
        return await RunAsync<IReadOnlyList<SearchHit>>(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var candidates = resolved.HybridCandidates;
            var dense = await NearestAsync(connection, transaction, vector, candidates, resolved, withVectors: false, cancellationToken).ConfigureAwait(false);
            var sparse = await TextSearchAsync(connection, transaction, text, candidates, resolved, withDetails: false, cancellationToken).ConfigureAwait(false);
            // Document-level text is the documents' text, no evidence about another field's.
            var documents = resolved.DocumentTextShare > 0 && resolved.TextField is null ? await DocumentRankAsync(connection, transaction, text, candidates, cancellationToken).ConfigureAwait(false) : [];
            var sources = documents.Count == 0 && resolved.DocumentDenseShare == 0 ? [] : await SourcesOfAsync(connection, transaction,
                [.. dense.Concat(sparse).Select(h => h.Id).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
            var fused = ScoreFusion.FuseHybrid(
                [.. dense.Select(h => (h.Id, h.Score))], [.. sparse.Select(h => (h.Id, h.Score))], documents, sources, resolved);
            var records = (await ReadRecordsAsync(connection, transaction, $"SELECT {RecordColumns} FROM {table} WHERE id = ANY(@ids)",
                    [new NpgsqlParameter("ids", fused.Select(f => f.Id).ToArray())], cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Id, StringComparer.Ordinal);
            return [.. fused.Where(f => records.ContainsKey(f.Id)).Select(f =>
            {
                var record = records[f.Id];
                return new SearchHit(f.Id, f.Score, record.Document, record.Metadata, resolved.IncludeVectors ? record.Vector : null);
            })];
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The nearest <paramref name="k"/> matching records. Unfiltered queries and filters that pass enough records use the
    /// HNSW index with pgvector 0.8's iterative scan (it keeps walking the graph until k rows pass the filter); a selective
    /// filter (judged from a sample, see <see cref="IndexScanPays"/>) or a short index answer is searched exactly.
    /// </summary>
    private async Task<List<SearchHit>> NearestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, float[] vector, int k, SearchOptions options, bool withVectors, CancellationToken cancellationToken)
    {
        if (Spec.Dimension > PostgresSchema.MaxIndexedDimension)
        {
            return await NearestExactAsync(connection, transaction, vector, k, options, withVectors, cancellationToken).ConfigureAwait(false);
        }

        var ef = Math.Max(options.Ef ?? Spec.IndexParameters.EfSearch, k);
        if (options.Filter is not null)
        {
            var sample = await SampleFilterAsync(connection, transaction, options.Filter, cancellationToken).ConfigureAwait(false);
            if (FilteredPlan == FilteredSearchPlan.Auto && !IndexScanPays(sample, k))
            {
                return await NearestExactAsync(connection, transaction, vector, k, options, withVectors, cancellationToken).ConfigureAwait(false);
            }

            ef = (int)Math.Min(int.MaxValue, ef * FilteredWidthFactor(sample));
        }

        await using (var settings = new NpgsqlCommand(
            "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.max_scan_tuples', @tuples, true)",
            connection, transaction))
        {
            settings.Parameters.AddWithValue("ef", Math.Clamp(ef, 1, PostgresSchema.MaxEfSearch).ToString(CultureInfo.InvariantCulture));
            settings.Parameters.AddWithValue("tuples", MaxScanTuples.ToString(CultureInfo.InvariantCulture));
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (where, parameters) = Filters(options);
        var hits = await ReadHitsAsync(connection, transaction,
            $"SELECT {HitColumns(withVectors)} FROM {table} WHERE {where} ORDER BY embedding {Operator} @query LIMIT @k", parameters, vector, k, cancellationToken).ConfigureAwait(false);
        // relaxed_order may return rows slightly out of order; sort them by the distance it reported.
        hits.Sort((a, b) => b.Score.CompareTo(a.Score));
        // Fewer than k: the filter passes fewer than k records, or the walk gave up after MaxScanTuples. Exact search settles both.
        return hits.Count >= k ? hits : await NearestExactAsync(connection, transaction, vector, k, options, withVectors, cancellationToken).ConfigureAwait(false);
    }

    // MATERIALIZED keeps the planner from pushing the ORDER BY into the HNSW index: the filter runs first, then every
    // remaining distance is computed.
    private Task<List<SearchHit>> NearestExactAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, float[] vector, int k, SearchOptions options, bool withVectors, CancellationToken cancellationToken)
    {
        var (where, parameters) = Filters(options);
        return ReadHitsAsync(connection, transaction,
            $"WITH candidates AS MATERIALIZED (SELECT * FROM {table} WHERE {where}) SELECT {HitColumns(withVectors)} FROM candidates ORDER BY 2 LIMIT @k",
            parameters, vector, k, cancellationToken);
    }

    private string Operator => PostgresSchema.DistanceOperator(Spec.Distance);

    private string HitColumns(bool withVectors) =>
        $"id, embedding {Operator} @query AS distance, document, metadata::text{(withVectors ? ", embedding" : "")}";

    private static (string Where, IReadOnlyList<NpgsqlParameter> Parameters) Filters(SearchOptions options) =>
        JsonbFilterTranslator.Translate(options.Filter);

    private async Task<List<SearchHit>> ReadHitsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IReadOnlyList<NpgsqlParameter> parameters, float[] vector, int k, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        command.Parameters.AddWithValue("query", new Vector(vector));
        command.Parameters.AddWithValue("k", k);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var distance = reader.GetDouble(1);
            // Scores are higher-is-better everywhere in Strata: cosine similarity, dot product, or −euclidean distance.
            var score = Spec.Distance == DistanceMetric.Cosine ? 1.0 - distance : -distance;
            hits.Add(new SearchHit(reader.GetString(0), score, reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3)) as JsonObject, reader.FieldCount > 4 ? reader.GetFieldValue<Vector>(4).ToArray() : null));
        }

        return hits;
    }

    private async Task<List<SearchHit>> TextSearchAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string text, int k, SearchOptions options, bool withDetails, CancellationToken cancellationToken)
    {
        var query = TsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        var (where, parameters) = Filters(options);
        var columns = withDetails ? $"document, metadata::text{(options.IncludeVectors ? ", embedding" : "")}" : "NULL, '{}'";
        // Another field than the document has no stored tsvector (see SearchOptions.TextField): its terms are computed
        // here, for the rows whose field holds a string, with the configuration the document column is generated with.
        // The field name is a bound parameter.
        var (terms, fieldCondition) = options.TextField is null
            ? ("document_terms", "TRUE")
            : ($"to_tsvector('{PostgresSchema.TextConfiguration}', metadata ->> @field)", "jsonb_typeof(metadata -> @field) = 'string'");
        // Normalisation 1 divides by 1 + log(document length), the length damping BM25 also applies.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT id, ts_rank_cd({terms}, query, 1) AS score, {columns}
            FROM {table}, to_tsquery('{PostgresSchema.TextConfiguration}', @terms) AS query
            WHERE {fieldCondition} AND {terms} @@ query AND {where}
            ORDER BY score DESC, id LIMIT @k
            """, connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        if (options.TextField is { } field)
        {
            command.Parameters.Add(new NpgsqlParameter("field", NpgsqlDbType.Text) { Value = field });
        }

        command.Parameters.AddWithValue("terms", query);
        command.Parameters.AddWithValue("k", k);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hits.Add(new SearchHit(reader.GetString(0), reader.GetFloat(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3)) as JsonObject, reader.FieldCount > 4 ? reader.GetFieldValue<Vector>(4).ToArray() : null));
        }

        return hits;
    }

    /// <summary>
    /// Joins the words of the text with | (OR). Words hold only letters and digits, so nothing the user types can be
    /// read as tsquery syntax; the whole query is still a bound parameter.
    /// </summary>
    private static string TsQuery(string text) => string.Join(" | ", QueryWords.Of(text));
}
