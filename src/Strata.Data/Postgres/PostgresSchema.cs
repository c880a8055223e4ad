using System.Globalization;
using Strata.Data.Collections;

namespace Strata.Data.Postgres;

/// <summary>
/// The SQL shape of the PostgreSQL backend: a catalog table naming each collection, and one table per collection
/// named after its catalog number (never after the user's name, so no identifier length or quoting trouble can arise).
/// </summary>
internal static class PostgresSchema
{
    public const string Catalog = "strata_collections";

    /// <summary>Text search configuration: English with Snowball stemming, the nearest to the embedded store's porter tokenizer.</summary>
    public const string TextConfiguration = "english";

    /// <summary>pgvector's HNSW index covers vectors of at most this many dimensions; larger collections are searched exactly.</summary>
    public const int MaxIndexedDimension = 2000;

    /// <summary>pgvector's <c>vector</c> type holds at most this many dimensions.</summary>
    public const int MaxDimension = 16000;

    /// <summary>pgvector refuses a larger <c>hnsw.ef_search</c>.</summary>
    public const int MaxEfSearch = 1000;

    public const string CreateCatalog = $"""
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE IF NOT EXISTS {Catalog} (
            name text COLLATE "C" PRIMARY KEY,
            table_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            spec jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now());
        """;

    /// <summary>Serialises schema changes across processes (any constant would do; this one spells "strata").</summary>
    public const long SchemaLockKey = 0x737472617461;

    /// <summary>The quoted name of a collection's table.</summary>
    public static string Table(long tableId) => $"\"strata_records_{tableId.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The quoted name of one of a collection's indexes.</summary>
    public static string Index(long tableId, string suffix) => $"\"strata_records_{tableId.ToString(CultureInfo.InvariantCulture)}_{suffix}\"";

    /// <summary>The table: ids in code-point order (COLLATE "C") so scrolling pages as the embedded store does.</summary>
    public static string CreateTable(long tableId, int dimension) => $$"""
        CREATE TABLE {{Table(tableId)}} (
            id text COLLATE "C" PRIMARY KEY,
            embedding vector({{dimension.ToString(CultureInfo.InvariantCulture)}}) NOT NULL,
            document text,
            metadata jsonb NOT NULL DEFAULT '{}',
            document_terms tsvector GENERATED ALWAYS AS (to_tsvector('{{TextConfiguration}}', coalesce(document, ''))) STORED);
        """;

    /// <summary>The quoted name of a collection's source-document table (document-level text for hybrid search).</summary>
    public static string SourcesTable(long tableId) => $"\"strata_sources_{tableId.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The most characters of one source document's text that are indexed (a tsvector holds at most 1 MB).</summary>
    public const int MaxSourceTextLength = 400_000;

    /// <summary>
    /// Each source document's terms (the records whose metadata names the same "source", joined), kept current by every
    /// write, and the index on the records' source that those refreshes look records up by.
    /// </summary>
    public static string CreateSourcesTable(long tableId) => $"""
        CREATE TABLE IF NOT EXISTS {SourcesTable(tableId)} (source text COLLATE "C" PRIMARY KEY, terms tsvector NOT NULL);
        CREATE INDEX IF NOT EXISTS {Index(tableId, "source_terms")} ON {SourcesTable(tableId)} USING gin (terms);
        CREATE INDEX IF NOT EXISTS {Index(tableId, "source")} ON {Table(tableId)} ((metadata->>'source'));
        """;

    /// <summary>
    /// Rewrites the rows of the sources in <c>@sources</c> (text[]) from the records (a source without records is removed).
    /// Only string values count as a source, as in the embedded store.
    /// </summary>
    public static string RefreshSources(long tableId) => $"""
        DELETE FROM {SourcesTable(tableId)} WHERE source = ANY(@sources);
        {FillSources(tableId, "metadata->>'source' = ANY(@sources) AND")}
        """;

    /// <summary>Fills the sources table from every record (after a restore's bulk load, or for a collection created before it).</summary>
    public static string FillAllSources(long tableId) => FillSources(tableId, "");

    private static string FillSources(long tableId, string condition) => $"""
        INSERT INTO {SourcesTable(tableId)} (source, terms)
        SELECT metadata->>'source', to_tsvector('{TextConfiguration}', left(string_agg(document, E'\n' ORDER BY id), {MaxSourceTextLength.ToString(CultureInfo.InvariantCulture)}))
        FROM {Table(tableId)}
        WHERE {condition} jsonb_typeof(metadata->'source') = 'string' AND document IS NOT NULL
        GROUP BY 1;
        """;

    /// <summary>
    /// The indexes: HNSW on the vectors (opclass by distance), GIN on the document terms and GIN on metadata
    /// (jsonb_path_ops serves the containment that equality filters translate to). Created after a bulk load when restoring,
    /// which builds faster than inserting into a live index.
    /// </summary>
    public static string CreateIndexes(long tableId, CollectionSpec spec)
    {
        var parameters = spec.IndexParameters;
        var hnsw = spec.Dimension <= MaxIndexedDimension
            ? $"CREATE INDEX {Index(tableId, "hnsw")} ON {Table(tableId)} USING hnsw (embedding {OperatorClass(spec.Distance)}) " +
              $"WITH (m = {parameters.M.ToString(CultureInfo.InvariantCulture)}, ef_construction = {parameters.EfConstruction.ToString(CultureInfo.InvariantCulture)});"
            : "";
        return $"""
            {hnsw}
            CREATE INDEX {Index(tableId, "terms")} ON {Table(tableId)} USING gin (document_terms);
            CREATE INDEX {Index(tableId, "metadata")} ON {Table(tableId)} USING gin (metadata jsonb_path_ops);
            """;
    }

    public static string OperatorClass(DistanceMetric distance) => distance switch
    {
        DistanceMetric.Cosine => "vector_cosine_ops",
        DistanceMetric.Dot => "vector_ip_ops",
        DistanceMetric.L1 => "vector_l1_ops",
        _ => "vector_l2_ops",
    };

    /// <summary>pgvector's distance operator for the metric (lower is closer; <c>&lt;#&gt;</c> is the negated inner product, <c>&lt;+&gt;</c> the L1 distance of pgvector 0.7+).</summary>
    public static string DistanceOperator(DistanceMetric distance) => distance switch
    {
        DistanceMetric.Cosine => "<=>",
        DistanceMetric.Dot => "<#>",
        DistanceMetric.L1 => "<+>",
        _ => "<->",
    };
}
