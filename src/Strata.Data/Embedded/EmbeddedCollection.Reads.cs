using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Filters;

namespace Strata.Data.Embedded;

/// <summary>Reads straight from SQLite: get, count, scroll.</summary>
public sealed partial class EmbeddedCollection
{
    private const string RecordColumns = "id, vector, document, metadata";

    /// <summary>The records with these ids, in the order asked (missing ids are skipped).</summary>
    public Task<IReadOnlyList<VectorRecord>> GetAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Get(ids), cancellationToken);

    /// <summary>How many records match <paramref name="filter"/> (all when null).</summary>
    public Task<long> CountAsync(MetadataFilter? filter = null, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Count(filter), cancellationToken);

    /// <summary>
    /// One page of records matching <paramref name="filter"/>, in id order, after <paramref name="cursor"/> (from the previous
    /// page; null for the first). Ids are stable keys, so pages never skip or repeat a record that stays put.
    /// </summary>
    public Task<ScrollPage> ScrollAsync(MetadataFilter? filter = null, string? cursor = null, int limit = 100, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Scroll(filter, cursor, limit), cancellationToken);

    private IReadOnlyList<VectorRecord> Get(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Guard(() => GetUnlocked(ids.Distinct(StringComparer.Ordinal).ToArray()));
        }
    }

    private long Count(MetadataFilter? filter)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Guard(() => CountUnlocked(filter));
        }
    }

    private ScrollPage Scroll(MetadataFilter? filter, string? cursor, int limit)
    {
        if (limit is < 1 or > 10_000)
        {
            throw new StrataDataException($"Scroll limit must be between 1 and 10000, got {limit}.");
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Guard(() =>
            {
                var (where, parameters) = SqlFilterTranslator.Translate(filter);
                using var command = SqliteStore.Command(connection, $"SELECT {RecordColumns} FROM records WHERE id > @cursor AND {where} ORDER BY id LIMIT @limit");
                command.Parameters.AddRange(parameters);
                command.Parameters.AddWithValue("@cursor", cursor ?? "");
                command.Parameters.AddWithValue("@limit", limit + 1);
                var records = ReadRecords(command);
                var more = records.Count > limit;
                if (more)
                {
                    records.RemoveAt(limit);
                }

                return new ScrollPage(records, more ? records[^1].Id : null);
            });
        }
    }

    private List<VectorRecord> GetUnlocked(IReadOnlyList<string> ids, SqliteConnection? readConnection = null)
    {
        var found = new List<VectorRecord>(ids.Count);
        using var command = SqliteStore.Command(readConnection ?? connection, $"SELECT {RecordColumns} FROM records WHERE id = @id");
        var id = command.Parameters.Add("@id", SqliteType.Text);
        foreach (var wanted in ids)
        {
            id.Value = wanted;
            found.AddRange(ReadRecords(command));
        }

        return found;
    }

    private long CountUnlocked(MetadataFilter? filter)
    {
        var (where, parameters) = SqlFilterTranslator.Translate(filter);
        using var command = SqliteStore.Command(connection, $"SELECT COUNT(*) FROM records WHERE {where}");
        command.Parameters.AddRange(parameters);
        return (long)command.ExecuteScalar()!;
    }

    private List<string> MatchingIds(MetadataFilter filter, SqliteTransaction? transaction = null, SqliteConnection? readConnection = null)
    {
        var (where, parameters) = SqlFilterTranslator.Translate(filter);
        using var command = SqliteStore.Command(readConnection ?? connection, $"SELECT id FROM records WHERE {where}", transaction);
        command.Parameters.AddRange(parameters);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The change sequence committed in SQLite, as <paramref name="reader"/> sees it now.</summary>
    private static long CommittedSequence(SqliteConnection reader)
    {
        using var command = SqliteStore.Command(reader, "SELECT value FROM settings WHERE key = @k", null, ("@k", CollectionSchema.SequenceKey));
        return long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture);
    }

    /// <summary>The ids passing a translated filter and the change sequence they reflect, read in one snapshot.</summary>
    private static (List<string> Ids, long Sequence) MatchingIdsAndSequence(SqliteConnection reader, string where, IReadOnlyList<SqliteParameter> parameters)
    {
        using var transaction = reader.BeginTransaction(deferred: true);
        using var sequenceCommand = SqliteStore.Command(reader, "SELECT value FROM settings WHERE key = @k", transaction, ("@k", CollectionSchema.SequenceKey));
        var sequence = long.Parse((string)sequenceCommand.ExecuteScalar()!, CultureInfo.InvariantCulture);
        using var command = SqliteStore.Command(reader, $"SELECT id FROM records WHERE {where}", transaction);
        foreach (var parameter in parameters)
        {
            // A parameter belongs to one command; the translation is shared with the cache key, so each command gets copies.
            command.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
        }

        var ids = new List<string>();
        using (var rows = command.ExecuteReader())
        {
            while (rows.Read())
            {
                ids.Add(rows.GetString(0));
            }
        }

        transaction.Commit();
        return (ids, sequence);
    }

    private static List<VectorRecord> ReadRecords(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var records = new List<VectorRecord>();
        while (reader.Read())
        {
            records.Add(new VectorRecord(
                reader.GetString(0),
                SqliteStore.FromBlob((byte[])reader[1]),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3)) as JsonObject));
        }

        return records;
    }

    private T Guard<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, Name);
        }
    }
}
