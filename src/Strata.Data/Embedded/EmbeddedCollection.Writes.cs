using System.Globalization;
using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Embedded;

/// <summary>Writes: each call is one SQLite transaction, so a batch is stored whole or not at all.</summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>
    /// Inserts or replaces <paramref name="records"/> in one transaction; returns how many were written. Durable on return.
    /// The token is checked between records inside the transaction, so a cancelled call rolls back and changes nothing.
    /// </summary>
    public Task<int> UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Upsert(records, cancellationToken), cancellationToken);

    /// <summary>Deletes the records with these ids in one transaction; returns how many existed.</summary>
    public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Delete(ids, cancellationToken), cancellationToken);

    /// <summary>Deletes every record whose metadata matches <paramref name="filter"/> in one transaction; returns how many.</summary>
    public Task<int> DeleteAsync(MetadataFilter filter, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Delete(filter, cancellationToken), cancellationToken);

    private int Upsert(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        using var activity = CollectionCallStart.Upsert(Spec, records, out var metadata);
        if (records.Count == 0)
        {
            return 0;
        }

        lock (gate)
        {
            Write(transaction =>
            {
                var sequence = NextSequence(transaction, records.Count);
                // Documents whose text changes: the ones the replaced records named and the ones the new records name.
                // With no document text stored and none named here (plain vector records), there is nothing to look up.
                var sources = records.Select(DocumentText.SourceOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
                if (sources.Count > 0 || AnySourceTexts(transaction))
                {
                    sources.UnionWith(StoredSources(records.Select(r => r.Id), connection, transaction));
                }

                using var remove = SqliteStore.Command(connection, "DELETE FROM documents WHERE rowid = (SELECT seq FROM records WHERE id = @id); DELETE FROM records WHERE id = @id; DELETE FROM tombstones WHERE id = @id", transaction);
                var removeId = remove.Parameters.Add("@id", SqliteType.Text);
                using var inserter = new CollectionFile.RecordInserter(connection, transaction);
                for (var i = 0; i < records.Count; i++)
                {
                    if (i % 64 == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    removeId.Value = records[i].Id;
                    remove.ExecuteNonQuery();
                    inserter.Insert(sequence + i, records[i], metadata[i]);
                }

                cancellationToken.ThrowIfCancellationRequested();
                RefreshSourceTexts(sources, transaction);
            });
            return records.Count;
        }
    }

    private int Delete(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var unique = ids.Distinct(StringComparer.Ordinal).ToArray();
        lock (gate)
        {
            var deleted = 0;
            Write(transaction => deleted = DeleteUnlocked(unique, transaction, cancellationToken));
            return deleted;
        }
    }

    private int Delete(MetadataFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (gate)
        {
            var deleted = 0;
            Write(transaction => deleted = DeleteUnlocked(MatchingIds(filter, transaction), transaction, cancellationToken));
            return deleted;
        }
    }

    private int DeleteUnlocked(IReadOnlyList<string> ids, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var existing = new List<string>();
        using (var find = SqliteStore.Command(connection, "SELECT 1 FROM records WHERE id = @id", transaction))
        {
            var findId = find.Parameters.Add("@id", SqliteType.Text);
            foreach (var id in ids)
            {
                findId.Value = id;
                if (find.ExecuteScalar() is not null)
                {
                    existing.Add(id);
                }
            }
        }

        if (existing.Count == 0)
        {
            return 0;
        }

        var sequence = NextSequence(transaction, existing.Count);
        var sources = AnySourceTexts(transaction) ? StoredSources(existing, connection, transaction) : [];
        using var remove = SqliteStore.Command(connection, "DELETE FROM documents WHERE rowid = (SELECT seq FROM records WHERE id = @id); DELETE FROM records WHERE id = @id; INSERT OR REPLACE INTO tombstones(id, seq) VALUES (@id, @seq)", transaction);
        var (removeId, removeSeq) = (remove.Parameters.Add("@id", SqliteType.Text), remove.Parameters.Add("@seq", SqliteType.Integer));
        for (var i = 0; i < existing.Count; i++)
        {
            removeId.Value = existing[i];
            removeSeq.Value = sequence + i;
            remove.ExecuteNonQuery();
        }

        RefreshSourceTexts(sources, transaction);
        // Last check before the caller commits: a cancelled delete rolls back whole.
        cancellationToken.ThrowIfCancellationRequested();
        return existing.Count;
    }

    /// <summary>Reserves <paramref name="count"/> sequence numbers inside the write transaction; returns the first.</summary>
    private long NextSequence(SqliteTransaction transaction, int count)
    {
        using var command = SqliteStore.Command(connection, "UPDATE settings SET value = CAST(value AS INTEGER) + @n WHERE key = @k RETURNING value", transaction,
            ("@n", count), ("@k", CollectionSchema.SequenceKey));
        var last = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        return last - count + 1;
    }

    /// <summary>Runs <paramref name="body"/> in an immediate transaction (the write lock is taken up front), commits, then catches the index up.</summary>
    private void Write(Action<SqliteTransaction> body)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                body(transaction);
                transaction.Commit();
            }

            CatchUp();
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, Name);
        }
    }
}
