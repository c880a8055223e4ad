using System.Numerics.Tensors;
using Microsoft.Data.Sqlite;
using Strata.Data.Search;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// The naive baseline's search over windows: exact cosine over every window's vector, SQLite FTS5 <c>bm25()</c> with
/// the porter stemmer, and reciprocal rank fusion of the two with k = 60. Returns window indexes, best first.
/// </summary>
internal sealed class NaiveIndex : IDisposable
{
    /// <summary>The k of reciprocal rank fusion: 1 / (k + rank), as in the original paper and the baseline.</summary>
    public const int RrfK = 60;

    private readonly float[][] vectors;
    private readonly SqliteConnection connection;

    /// <summary>Indexes the windows' texts in an in-memory FTS5 table (rowid = window index + 1) beside their vectors.</summary>
    public NaiveIndex(IReadOnlyList<string> texts, float[][] vectors)
    {
        this.vectors = vectors;
        connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE windows USING fts5(text, tokenize = 'porter unicode61')";
            create.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO windows(rowid, text) VALUES (@id, @text)";
        var id = insert.Parameters.Add("@id", SqliteType.Integer);
        var text = insert.Parameters.Add("@text", SqliteType.Text);
        for (var i = 0; i < texts.Count; i++)
        {
            id.Value = i + 1;
            text.Value = texts[i];
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The <paramref name="k"/> windows nearest the query vector by cosine similarity, every window compared.</summary>
    public List<int> Dense(float[] query, int k) =>
        [.. Enumerable.Range(0, vectors.Length)
            .Select(i => (Index: i, Score: TensorPrimitives.CosineSimilarity(query, vectors[i])))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Index).Take(k).Select(h => h.Index)];

    /// <summary>
    /// The <paramref name="k"/> best windows by FTS5's <c>bm25()</c> for any of the question's words (each word quoted,
    /// joined by OR, as Strata's own BM25 query is), so that no question is read as FTS5 syntax.
    /// </summary>
    public List<int> Bm25(string question, int k)
    {
        var words = QueryWords.Of(question, int.MaxValue);
        if (words.Count == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM windows WHERE windows MATCH @query ORDER BY bm25(windows) LIMIT @k";
        command.Parameters.AddWithValue("@query", string.Join(" OR ", words.Select(w => "\"" + w + "\"")));
        command.Parameters.AddWithValue("@k", k);
        var hits = new List<int>(k);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            hits.Add((int)reader.GetInt64(0) - 1);
        }

        return hits;
    }

    /// <summary>Reciprocal rank fusion of two rankings, equal weights: each window scores Σ 1 / (60 + rank), ranks from 1.</summary>
    public static List<int> Rrf(IReadOnlyList<int> first, IReadOnlyList<int> second, int k)
    {
        var scores = new Dictionary<int, double>();
        foreach (var ranking in new[] { first, second })
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                scores[ranking[rank]] = scores.GetValueOrDefault(ranking[rank]) + (1.0 / (RrfK + rank + 1));
            }
        }

        return [.. scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(k).Select(s => s.Key)];
    }

    public void Dispose() => connection.Dispose();
}
