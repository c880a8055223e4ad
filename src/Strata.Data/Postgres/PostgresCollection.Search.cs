using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Pgvector;
using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.Postgres;

/// <summary>Queries: dense kNN through pgvector's HNSW index (or exactly), full text through tsvector, and their fusion.</summary>
public sealed partial class PostgresCollection
{
    /// <summary>The <c>K</c> nearest records to <paramref name="vector"/>, best first, scored by the collection's metric.</summary>
    public IReadOnlyList<SearchHit> Search(float[] vector, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        using var activity = CollectionCallStart.Search(Spec, "dense", vector, ref options);
        var hits = Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            return Nearest(connection, transaction, vector, options.DenseCandidates, options, options.FetchVectors);
        });
        return MaximalMarginalRelevance.Apply(hits, options);
    }

    /// <summary>
    /// Full-text search. PostgreSQL has no BM25: this ranks with <c>ts_rank_cd</c> (cover density, normalised by document
    /// length), the closest built-in. Words of <paramref name="text"/> are matched with OR; operators are not interpreted.
    /// </summary>
    public IReadOnlyList<SearchHit> SearchText(string text, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "bm25", vector: null, ref options);
        return Run(connection => TextSearch(connection, null, text, options.K, options, withDetails: true));
    }

    /// <summary>Hybrid search: dense and full-text candidates fused by <see cref="SearchOptions.Fusion"/> with the configured weights.</summary>
    public IReadOnlyList<SearchHit> SearchHybrid(float[] vector, string text, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "hybrid", vector, ref options);
        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var candidates = options.HybridCandidates;
            var dense = Nearest(connection, transaction, vector, candidates, options, withVectors: false);
            var sparse = TextSearch(connection, transaction, text, candidates, options, withDetails: false);
            var fused = ScoreFusion.Fuse(
                [(dense.Select(h => (h.Id, h.Score)).ToList(), options.DenseWeight), (sparse.Select(h => (h.Id, h.Score)).ToList(), options.TextWeight)],
                options.Fusion, options.K, options.RrfK);
            var records = ReadRecords(connection, transaction, $"SELECT {RecordColumns} FROM {table} WHERE id = ANY(@ids)", new NpgsqlParameter("ids", fused.Select(f => f.Id).ToArray()))
                .ToDictionary(r => r.Id, StringComparer.Ordinal);
            return (IReadOnlyList<SearchHit>)[.. fused.Where(f => records.ContainsKey(f.Id)).Select(f =>
            {
                var record = records[f.Id];
                return new SearchHit(f.Id, f.Score, record.Document, record.Metadata, options.IncludeVectors ? record.Vector : null);
            })];
        });
    }

    /// <summary>
    /// The nearest <paramref name="k"/> matching records. Unfiltered queries and filters that pass enough records use the
    /// HNSW index with pgvector 0.8's iterative scan (it keeps walking the graph until k rows pass the filter); a selective
    /// filter (judged from a sample, see <see cref="IndexScanPays"/>) or a short index answer is searched exactly.
    /// </summary>
    private List<SearchHit> Nearest(NpgsqlConnection connection, NpgsqlTransaction transaction, float[] vector, int k, SearchOptions options, bool withVectors)
    {
        if (Spec.Dimension > PostgresSchema.MaxIndexedDimension)
        {
            return NearestExact(connection, transaction, vector, k, options, withVectors);
        }

        var ef = Math.Max(options.Ef ?? Spec.IndexParameters.EfSearch, k);
        if (options.Filter is not null)
        {
            var sample = SampleFilter(connection, transaction, options.Filter);
            if (FilteredPlan == FilteredSearchPlan.Auto && !IndexScanPays(sample, k))
            {
                return NearestExact(connection, transaction, vector, k, options, withVectors);
            }

            ef = (int)Math.Min(int.MaxValue, ef * FilteredWidthFactor(sample));
        }

        using (var settings = new NpgsqlCommand(
            "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.max_scan_tuples', @tuples, true)",
            connection, transaction))
        {
            settings.Parameters.AddWithValue("ef", Math.Clamp(ef, 1, PostgresSchema.MaxEfSearch).ToString(CultureInfo.InvariantCulture));
            settings.Parameters.AddWithValue("tuples", MaxScanTuples.ToString(CultureInfo.InvariantCulture));
            settings.ExecuteNonQuery();
        }

        var (where, parameters) = Filters(options);
        var hits = ReadHits(connection, transaction,
            $"SELECT {HitColumns(withVectors)} FROM {table} WHERE {where} ORDER BY embedding {Operator} @query LIMIT @k", parameters, vector, k);
        // relaxed_order may return rows slightly out of order; sort them by the distance it reported.
        hits.Sort((a, b) => b.Score.CompareTo(a.Score));
        // Fewer than k: the filter passes fewer than k records, or the walk gave up after MaxScanTuples. Exact search settles both.
        return hits.Count >= k ? hits : NearestExact(connection, transaction, vector, k, options, withVectors);
    }

    // MATERIALIZED keeps the planner from pushing the ORDER BY into the HNSW index: the filter runs first, then every
    // remaining distance is computed.
    private List<SearchHit> NearestExact(NpgsqlConnection connection, NpgsqlTransaction transaction, float[] vector, int k, SearchOptions options, bool withVectors)
    {
        var (where, parameters) = Filters(options);
        return ReadHits(connection, transaction,
            $"WITH candidates AS MATERIALIZED (SELECT * FROM {table} WHERE {where}) SELECT {HitColumns(withVectors)} FROM candidates ORDER BY 2 LIMIT @k",
            parameters, vector, k);
    }

    private string Operator => PostgresSchema.DistanceOperator(Spec.Distance);

    private string HitColumns(bool withVectors) =>
        $"id, embedding {Operator} @query AS distance, document, metadata::text{(withVectors ? ", embedding" : "")}";

    private static (string Where, IReadOnlyList<NpgsqlParameter> Parameters) Filters(SearchOptions options) =>
        JsonbFilterTranslator.Translate(options.Filter);

    private List<SearchHit> ReadHits(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IReadOnlyList<NpgsqlParameter> parameters, float[] vector, int k)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        command.Parameters.AddWithValue("query", new Vector(vector));
        command.Parameters.AddWithValue("k", k);
        using var reader = command.ExecuteReader();
        var hits = new List<SearchHit>();
        while (reader.Read())
        {
            var distance = reader.GetDouble(1);
            // Scores are higher-is-better everywhere in Strata: cosine similarity, dot product, or −euclidean distance.
            var score = Spec.Distance == DistanceMetric.Cosine ? 1.0 - distance : -distance;
            hits.Add(new SearchHit(reader.GetString(0), score, reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3)) as JsonObject, reader.FieldCount > 4 ? reader.GetFieldValue<Vector>(4).ToArray() : null));
        }

        return hits;
    }

    private List<SearchHit> TextSearch(NpgsqlConnection connection, NpgsqlTransaction? transaction, string text, int k, SearchOptions options, bool withDetails)
    {
        var query = TsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        var (where, parameters) = Filters(options);
        var columns = withDetails ? $"document, metadata::text{(options.IncludeVectors ? ", embedding" : "")}" : "NULL, '{}'";
        // Normalisation 1 divides by 1 + log(document length), the length damping BM25 also applies.
        using var command = new NpgsqlCommand(
            $"""
            SELECT id, ts_rank_cd(document_terms, query, 1) AS score, {columns}
            FROM {table}, to_tsquery('{PostgresSchema.TextConfiguration}', @terms) AS query
            WHERE document_terms @@ query AND {where}
            ORDER BY score DESC, id LIMIT @k
            """, connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        command.Parameters.AddWithValue("terms", query);
        command.Parameters.AddWithValue("k", k);
        using var reader = command.ExecuteReader();
        var hits = new List<SearchHit>();
        while (reader.Read())
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
    private static string TsQuery(string text)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                terms.Add(word.ToString());
                word.Clear();
            }
        }

        return string.Join(" | ", terms.Distinct(StringComparer.Ordinal).Take(64));
    }
}
