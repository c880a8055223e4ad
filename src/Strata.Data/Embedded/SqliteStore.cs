using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Strata.Data.Embedded;

/// <summary>Opening collection files and the small conversions between SQLite values and vectors.</summary>
internal static class SqliteStore
{
    /// <summary>How long a statement waits for another process's write lock before failing with a clear error.</summary>
    public const int BusyTimeoutSeconds = 5;

    public static SqliteConnection Open(string path, bool create)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            // No pooling: a dropped or restored collection must not stay open in a pool, holding its files.
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            // WAL lets readers in other processes proceed during writes; synchronous=FULL makes every committed
            // batch durable before it is acknowledged.
            Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static byte[] ToBlob(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob.AsSpan()).ToArray();

    /// <summary>Translates SQLite's busy and locked errors into a message that says what to do.</summary>
    public static Exception Explain(SqliteException e, string collection) => e.SqliteErrorCode is 5 or 6
        ? new StrataDataException($"Collection '{collection}' is busy: another process holds its write lock (gave up after {BusyTimeoutSeconds} s). Retry when that process is done.", e)
        : new StrataDataException($"Collection '{collection}': SQLite error: {e.Message}", e);
}
