using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Strata.Data.Collections;

namespace Strata.Data.Embedded;

/// <summary>
/// The collection file format (SQLite, <see cref="CollectionSchema"/>) as a portable snapshot: any backend can write one
/// and read one back, so a collection moves between the embedded store and PostgreSQL through snapshot and restore.
/// </summary>
internal static class CollectionFile
{
    /// <summary>
    /// Writes <paramref name="records"/> (each with its metadata as JSON text) into a new file at <paramref name="path"/>:
    /// built under a temporary name, flushed and renamed, so the file is whole or absent. The HNSW index is left out: the
    /// embedded store builds it from the rows when it opens the file.
    /// </summary>
    public static async Task WriteAsync(string path, CollectionSpec spec, IAsyncEnumerable<(VectorRecord Record, string Metadata)> records, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        try
        {
            File.Delete(temporary);
            using (var connection = SqliteStore.Open(temporary, create: true))
            {
                using (var transaction = connection.BeginTransaction())
                {
                    SqliteStore.Execute(connection, CollectionSchema.Create, transaction);
                    using var inserter = new RecordInserter(connection, transaction);
                    long sequence = 0;
                    // The rows come from a server; the file is local, so its inserts stay synchronous.
                    await foreach (var (record, metadata) in records.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        inserter.Insert(++sequence, record, metadata);
                    }

                    SqliteStore.Execute(connection, "INSERT INTO settings(key, value) VALUES (@k, @v), (@s, @n)", transaction,
                        ("@k", CollectionSchema.SpecKey), ("@v", JsonSerializer.Serialize(spec)),
                        ("@s", CollectionSchema.SequenceKey), ("@n", sequence.ToString(CultureInfo.InvariantCulture)));
                    transaction.Commit();
                }

                // A snapshot is a single self-contained file: leave WAL mode so no -wal file is needed beside it.
                SqliteStore.Execute(connection, "PRAGMA journal_mode = DELETE");
            }

            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, spec.Name);
        }
        finally
        {
            foreach (var file in new[] { temporary, temporary + "-wal", temporary + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Reads the definition stored in a collection file, opened read-only; throws when it is not one.</summary>
    public static CollectionSpec ReadSpec(string path)
    {
        using var connection = OpenReadOnly(path);
        return ReadSpec(connection, path);
    }

    /// <summary>Streams the records of a collection file in write order, opened read-only.</summary>
    public static IEnumerable<VectorRecord> ReadRecords(string path)
    {
        using var connection = OpenReadOnly(path);
        using var command = SqliteStore.Command(connection, "SELECT id, vector, document, metadata FROM records ORDER BY seq");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new VectorRecord(
                reader.GetString(0),
                SqliteStore.FromBlob((byte[])reader[1]),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3)) as JsonObject);
        }
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        if (!File.Exists(path))
        {
            throw new StrataDataException($"Snapshot '{path}' does not exist.");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static CollectionSpec ReadSpec(SqliteConnection connection, string path)
    {
        try
        {
            using var command = SqliteStore.Command(connection, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SpecKey));
            var json = command.ExecuteScalar() as string ?? throw new StrataDataException($"'{path}' is not a Strata collection snapshot: it has no definition.");
            var spec = JsonSerializer.Deserialize<CollectionSpec>(json) ?? throw new StrataDataException($"'{path}' is not a Strata collection snapshot: its definition is unreadable.");
            spec.Validate();
            return spec;
        }
        catch (Exception e) when (e is SqliteException or JsonException)
        {
            throw new StrataDataException($"'{path}' is not a Strata collection snapshot: {e.Message}", e);
        }
    }

    /// <summary>Inserts rows (record + full-text row) with prepared commands inside one transaction.</summary>
    internal sealed class RecordInserter : IDisposable
    {
        private readonly SqliteCommand insert;
        private readonly SqliteCommand text;
        private readonly SqliteParameter seq;
        private readonly SqliteParameter id;
        private readonly SqliteParameter vector;
        private readonly SqliteParameter document;
        private readonly SqliteParameter metadata;
        private readonly SqliteParameter textSeq;
        private readonly SqliteParameter textDocument;

        public RecordInserter(SqliteConnection connection, SqliteTransaction transaction)
        {
            insert = SqliteStore.Command(connection, "INSERT INTO records(seq, id, vector, document, metadata) VALUES (@seq, @id, @vector, @document, @metadata)", transaction);
            (seq, id, vector, document, metadata) = (insert.Parameters.Add("@seq", SqliteType.Integer), insert.Parameters.Add("@id", SqliteType.Text),
                insert.Parameters.Add("@vector", SqliteType.Blob), insert.Parameters.Add("@document", SqliteType.Text), insert.Parameters.Add("@metadata", SqliteType.Text));
            text = SqliteStore.Command(connection, "INSERT INTO documents(rowid, document) VALUES (@seq, @document)", transaction);
            (textSeq, textDocument) = (text.Parameters.Add("@seq", SqliteType.Integer), text.Parameters.Add("@document", SqliteType.Text));
        }

        /// <summary>Inserts one record with change sequence number <paramref name="sequence"/> and its metadata as JSON text.</summary>
        public void Insert(long sequence, VectorRecord record, string metadataJson)
        {
            seq.Value = sequence;
            id.Value = record.Id;
            vector.Value = SqliteStore.ToBlob(record.Vector);
            document.Value = (object?)record.Document ?? DBNull.Value;
            metadata.Value = metadataJson;
            insert.ExecuteNonQuery();
            if (record.Document is not null)
            {
                textSeq.Value = sequence;
                textDocument.Value = record.Document;
                text.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            insert.Dispose();
            text.Dispose();
        }
    }
}
