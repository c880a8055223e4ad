using Microsoft.Data.Sqlite;
using Strata.Data.Search;

namespace Strata.Data.Embedded;

/// <summary>BM25 over a metadata field's text (<see cref="SearchOptions.TextField"/>) rather than the document.</summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>
    /// The records whose <paramref name="field"/> best matches <paramref name="text"/>, scored −bm25 as the document path
    /// is. The collection's FTS5 table holds only the documents, so this is an exact scan: every record whose field holds
    /// a string goes into an in-memory FTS5 table with the document table's tokenizer (porter over unicode61), marked with
    /// whether it passes the filter. All of them are indexed, not only the passing ones, so the term statistics BM25 reads
    /// are the collection's, as the document path's are: a filter narrows the results, not the scores. A table of its own
    /// per query (a connection of its own, never pooled) leaves nothing behind and shares nothing between searches.
    /// </summary>
    private static List<(string Id, double Score)> FieldBm25(SqliteConnection readConnection, string field, string text, int k, SearchOptions options)
    {
        var query = FtsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        using var scratch = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ToString());
        scratch.Open();
        SqliteStore.Execute(scratch, "CREATE VIRTUAL TABLE field_text USING fts5(text, id UNINDEXED, passes UNINDEXED, tokenize = 'porter unicode61')");
        using (var transaction = scratch.BeginTransaction())
        {
            using var insert = SqliteStore.Command(scratch, "INSERT INTO field_text (text, id, passes) VALUES (@text, @id, @passes)", transaction);
            var textParameter = insert.Parameters.Add("@text", SqliteType.Text);
            var idParameter = insert.Parameters.Add("@id", SqliteType.Text);
            var passesParameter = insert.Parameters.Add("@passes", SqliteType.Integer);
            var (where, parameters) = Filters.SqlFilterTranslator.Translate(options.Filter);
            // The path is bound, never spliced; SearchOptions.Validate refused quotes and backslashes in the field name. A
            // filter that is NULL for a record (a comparison with an absent field) does not pass it, as in a WHERE clause.
            using var scan = SqliteStore.Command(readConnection,
                $"SELECT id, json_extract(metadata, @path), coalesce(({where}), 0) FROM records WHERE json_type(metadata, @path) = 'text'");
            scan.Parameters.AddRange(parameters);
            scan.Parameters.AddWithValue("@path", "$.\"" + field + "\"");
            using var rows = scan.ExecuteReader();
            while (rows.Read())
            {
                idParameter.Value = rows.GetString(0);
                textParameter.Value = rows.GetString(1);
                passesParameter.Value = rows.GetInt64(2);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        using var command = SqliteStore.Command(scratch,
            "SELECT id, -bm25(field_text) FROM field_text WHERE field_text MATCH @query AND passes = 1 ORDER BY bm25(field_text) LIMIT @k",
            null, ("@query", query), ("@k", k));
        using var reader = command.ExecuteReader();
        var results = new List<(string, double)>();
        while (reader.Read())
        {
            results.Add((reader.GetString(0), reader.GetDouble(1)));
        }

        return results;
    }
}
