using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Strata.Data.Ingestion;

/// <summary>
/// The per-collection record of ingested documents (source, content hash, state, reason, steps), in SQLite beside the
/// collections. Content hashes make re-ingestion idempotent: an unchanged document is skipped, a failed one is not
/// retried until its bytes change (no endless retry of a corrupt file), a changed one replaces its chunks.
/// </summary>
public sealed class IngestionLedger : IDisposable
{
    private readonly SqliteConnection connection;

    /// <summary>Opens (creating if needed) the ledger at <paramref name="path"/>.</summary>
    public IngestionLedger(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS documents (
                source TEXT PRIMARY KEY, content_hash TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, title TEXT,
                chunks INTEGER NOT NULL DEFAULT 0, steps TEXT NOT NULL DEFAULT '', updated TEXT NOT NULL);
            """);
    }

    /// <summary>Every document, sorted by source.</summary>
    public IReadOnlyList<IngestedDocument> List() => Query("ORDER BY source", null);

    /// <summary>The record of <paramref name="source"/>, or null.</summary>
    public IngestedDocument? Find(string source) => Query("WHERE source = $source", source).FirstOrDefault();

    private List<IngestedDocument> Query(string clause, string? source)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, content_hash, state, reason, title, chunks, steps, updated FROM documents " + clause;
        if (source is not null)
        {
            command.Parameters.AddWithValue("$source", source);
        }

        using var reader = command.ExecuteReader();
        var documents = new List<IngestedDocument>();
        while (reader.Read())
        {
            documents.Add(new IngestedDocument(
                reader.GetString(0), reader.GetString(1), Enum.Parse<DocumentState>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5),
                reader.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries),
                DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture)));
        }

        return documents;
    }

    /// <summary>Writes a document's record, replacing any earlier one.</summary>
    public void Save(IngestedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO documents (source, content_hash, state, reason, title, chunks, steps, updated)
            VALUES ($source, $hash, $state, $reason, $title, $chunks, $steps, $updated)
            ON CONFLICT(source) DO UPDATE SET content_hash = excluded.content_hash, state = excluded.state, reason = excluded.reason,
                title = excluded.title, chunks = excluded.chunks, steps = excluded.steps, updated = excluded.updated
            """;
        command.Parameters.AddWithValue("$source", document.Source);
        command.Parameters.AddWithValue("$hash", document.ContentHash);
        command.Parameters.AddWithValue("$state", document.State.ToString());
        command.Parameters.AddWithValue("$reason", (object?)document.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$title", (object?)document.Title ?? DBNull.Value);
        command.Parameters.AddWithValue("$chunks", document.Chunks);
        command.Parameters.AddWithValue("$steps", string.Join(',', document.Steps));
        command.Parameters.AddWithValue("$updated", document.Updated.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>Forgets <paramref name="source"/>.</summary>
    public void Remove(string source)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM documents WHERE source = $source";
        command.Parameters.AddWithValue("$source", source);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Dispose() => connection.Dispose();

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
