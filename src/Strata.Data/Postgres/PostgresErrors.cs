using System.Net.Sockets;
using Npgsql;
using Strata.Core.Errors;

namespace Strata.Data.Postgres;

/// <summary>
/// Turns Npgsql and PostgreSQL errors into messages that say what to do, without stack traces or secrets, and into the
/// kind of failure they are: a server that cannot be reached, refuses the login or lacks pgvector is
/// <see cref="StrataErrorKind.Unavailable"/> (the request was fine; HTTP 503), a concurrent write
/// <see cref="StrataErrorKind.Conflict"/>, a collection dropped meanwhile <see cref="StrataErrorKind.NotFound"/>.
/// </summary>
internal static class PostgresErrors
{
    /// <summary>Wraps a failure of an operation on <paramref name="collection"/> (null for database-wide operations).</summary>
    public static StrataDataException Explain(Exception e, string? collection, NpgsqlConnectionStringBuilder server)
    {
        var subject = collection is null ? "PostgreSQL" : $"Collection '{collection}' (PostgreSQL)";
        return e switch
        {
            PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } when collection is not null =>
                new StrataDataException($"Unknown collection '{collection}': it was dropped or restored since it was opened. Open it again.", e) { Kind = StrataErrorKind.NotFound },
            PostgresException { SqlState: PostgresErrorCodes.UndefinedFile or PostgresErrorCodes.FeatureNotSupported } pg when pg.MessageText.Contains("vector", StringComparison.OrdinalIgnoreCase) =>
                new StrataDataException($"The pgvector extension is not installed on the PostgreSQL server at {Describe(server)} ({pg.MessageText}). Install pgvector 0.8 or later.", e) { Kind = StrataErrorKind.Unavailable },
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg =>
                new StrataDataException($"{subject}: permission denied ({pg.MessageText}). The user needs CREATE on the database (and pgvector must be created once by a superuser).", e) { Kind = StrataErrorKind.Unavailable },
            PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } pg =>
                new StrataDataException($"{subject}: the write conflicted with a concurrent one and was rolled back ({pg.MessageText}); retry it.", e) { Kind = StrataErrorKind.Conflict },
            PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) || pg.SqlState == PostgresErrorCodes.InvalidCatalogName =>
                new StrataDataException($"Cannot connect to PostgreSQL at {Describe(server)}: {pg.MessageText}. Check Data:ConnectionString.", e) { Kind = StrataErrorKind.Unavailable },
            PostgresException pg =>
                new StrataDataException($"{subject}: {pg.MessageText}", e),
            NpgsqlException { InnerException: SocketException or TimeoutException or IOException } or NpgsqlException { IsTransient: true } =>
                new StrataDataException($"Cannot connect to PostgreSQL at {Describe(server)}: {(e.InnerException ?? e).Message}. Check that the server runs and Data:ConnectionString.", e) { Kind = StrataErrorKind.Unavailable },
            _ => new StrataDataException($"{subject}: {e.Message}", e),
        };
    }

    /// <summary>Host, port, database and user: everything a reader needs to find the server, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder server) =>
        $"{server.Host ?? "localhost"}:{server.Port} (database '{server.Database ?? server.Username}', user '{server.Username}')";
}
