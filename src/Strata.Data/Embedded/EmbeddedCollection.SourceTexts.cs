using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.Embedded;

/// <summary>
/// Document-level BM25 (see <see cref="DocumentText"/>): the <c>source_texts</c> FTS5 table holds each source document's
/// text, the records naming it joined in write order, kept current inside every write transaction that touches them.
/// </summary>
public sealed partial class EmbeddedCollection
{
    // Must match the expression of the records_source index (CollectionSchema.SourceTexts) for SQLite to use it.
    private const string SourceExpression = "json_extract(metadata, '$.source')";

    // Replaced, never changed in place, when the collection's write sequence moves; searches read it without the gate.
    private volatile DocumentFrequencies? documentFrequencies;

    /// <summary>
    /// Adds the source tables to a file written before them (or by a snapshot, which leaves them empty) and fills them
    /// once; a settings row records that they are complete. A no-op for every later open.
    /// </summary>
    private void EnsureSourceTexts()
    {
        if (HasSourceTexts(null))
        {
            return;
        }

        Write(transaction =>
        {
            // Another process may have filled them between the check and this write transaction.
            if (HasSourceTexts(transaction))
            {
                return;
            }

            SqliteStore.Execute(connection, CollectionSchema.SourceTexts + "DELETE FROM source_texts; DELETE FROM sources;", transaction);
            var sources = new List<string>();
            using (var command = SqliteStore.Command(connection, $"SELECT DISTINCT {SourceExpression} FROM records WHERE typeof({SourceExpression}) = 'text'", transaction))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    sources.Add(reader.GetString(0));
                }
            }

            RefreshSourceTexts(sources, transaction);
            SqliteStore.Execute(connection, "INSERT OR REPLACE INTO settings(key, value) VALUES (@k, '1')", transaction, ("@k", CollectionSchema.SourceTextsKey));
        });
    }

    private bool HasSourceTexts(SqliteTransaction? transaction)
    {
        using var command = SqliteStore.Command(connection, "SELECT 1 FROM settings WHERE key = @k", transaction, ("@k", CollectionSchema.SourceTextsKey));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Whether any source document's text is stored (none in a collection of plain vector records).</summary>
    private bool AnySourceTexts(SqliteTransaction transaction)
    {
        using var command = SqliteStore.Command(connection, "SELECT 1 FROM sources LIMIT 1", transaction);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>The sources named by the stored records with these ids (read before a write replaces or removes them).</summary>
    private HashSet<string> StoredSources(IEnumerable<string> ids, SqliteConnection reader, SqliteTransaction? transaction = null)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, source) in SourcesOf(ids, reader, transaction))
        {
            sources.Add(source);
        }

        return sources;
    }

    /// <summary>Each record's source, for the records with these ids that name one.</summary>
    private static List<(string Id, string Source)> SourcesOf(IEnumerable<string> ids, SqliteConnection reader, SqliteTransaction? transaction = null)
    {
        using var command = SqliteStore.Command(reader,
            $"SELECT id, {SourceExpression} FROM records WHERE id IN (SELECT value FROM json_each(@ids)) AND typeof({SourceExpression}) = 'text'",
            transaction, ("@ids", JsonSerializer.Serialize(ids)));
        using var rows = command.ExecuteReader();
        var sources = new List<(string, string)>();
        while (rows.Read())
        {
            sources.Add((rows.GetString(0), rows.GetString(1)));
        }

        return sources;
    }

    /// <summary>Rewrites the stored text of each of <paramref name="sources"/> from its records (removed when none is left).</summary>
    private void RefreshSourceTexts(IReadOnlyCollection<string> sources, SqliteTransaction transaction)
    {
        if (sources.Count == 0)
        {
            return;
        }

        using var find = SqliteStore.Command(connection, "SELECT id FROM sources WHERE source = @s", transaction);
        var findSource = find.Parameters.Add("@s", SqliteType.Text);
        using var join = SqliteStore.Command(connection,
            $"SELECT group_concat(document, char(10)) FROM (SELECT document FROM records WHERE {SourceExpression} = @s AND document IS NOT NULL ORDER BY seq)", transaction);
        var joinSource = join.Parameters.Add("@s", SqliteType.Text);
        using var remove = SqliteStore.Command(connection, "DELETE FROM source_texts WHERE rowid = @id; DELETE FROM sources WHERE id = @id", transaction);
        var removeId = remove.Parameters.Add("@id", SqliteType.Integer);
        using var add = SqliteStore.Command(connection,
            "INSERT INTO sources(source) VALUES (@s); INSERT INTO source_texts(rowid, text) VALUES (last_insert_rowid(), @t)", transaction);
        var (addSource, addText) = (add.Parameters.Add("@s", SqliteType.Text), add.Parameters.Add("@t", SqliteType.Text));
        foreach (var source in sources)
        {
            findSource.Value = source;
            if (find.ExecuteScalar() is long id)
            {
                removeId.Value = id;
                remove.ExecuteNonQuery();
            }

            joinSource.Value = source;
            if (join.ExecuteScalar() is string text)
            {
                (addSource.Value, addText.Value) = (source, text);
                add.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// Source documents ranked by BM25 over their whole text, best first (scores negated to higher-is-better), and the
    /// score that stands for the documents left out of the list when leaving out common words shortened it (see
    /// <see cref="DocumentFrequencies"/>), or null.
    /// </summary>
    private (List<(string Source, double Score)> Ranked, double? Floor) DocumentBm25(SqliteConnection reader, string text, int k)
    {
        var words = QueryWords.Of(text);
        var frequencies = CurrentDocumentFrequencies(reader);
        var rare = words.Where(word => !frequencies.IsCommon(word, reader)).ToList();
        if (rare.Count == 0)
        {
            return ([], null);
        }

        using var command = SqliteStore.Command(reader,
            "SELECT s.source, -bm25(source_texts) FROM source_texts JOIN sources s ON s.id = source_texts.rowid WHERE source_texts MATCH @query ORDER BY bm25(source_texts) LIMIT @k",
            null, ("@query", FtsQuery(rare)), ("@k", k));
        using var rows = command.ExecuteReader();
        var ranked = new List<(string, double)>();
        while (rows.Read())
        {
            ranked.Add((rows.GetString(0), rows.GetDouble(1)));
        }

        // Every document the full query would have listed beyond these matched only common words, which score about
        // 0; so when words were left out and fewer than k documents are listed, 0 is the list's lowest score.
        return (ranked, rare.Count < words.Count && ranked.Count < k ? 0 : null);
    }

    /// <summary>The word counts for the collection's state as <paramref name="reader"/> sees it, a new set after any write.</summary>
    private DocumentFrequencies CurrentDocumentFrequencies(SqliteConnection reader)
    {
        using var command = SqliteStore.Command(reader, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SequenceKey));
        var sequence = long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture);
        var current = documentFrequencies;
        if (current?.Sequence == sequence)
        {
            return current;
        }

        using var count = SqliteStore.Command(reader, "SELECT count(*) FROM sources", null);
        current = new DocumentFrequencies(sequence, (long)count.ExecuteScalar()!);
        documentFrequencies = current;
        return current;
    }
}
