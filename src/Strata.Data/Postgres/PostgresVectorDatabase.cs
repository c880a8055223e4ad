using System.Text.Json;
using Npgsql;
using Pgvector.Npgsql;
using Strata.Data.Collections;
using Strata.Data.Embedded;

namespace Strata.Data.Postgres;

/// <summary>
/// The scale-out store: collections in PostgreSQL with pgvector (0.8 or later). A catalog table names the collections;
/// each has its own table with the vector in a <c>vector(N)</c> column under an HNSW index, metadata in <c>jsonb</c> and
/// the document's terms in a generated <c>tsvector</c>. Safe to share between threads and processes: every operation is
/// one PostgreSQL transaction on a pooled connection, called asynchronously.
/// </summary>
public sealed class PostgresVectorDatabase : IVectorDatabase, IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly SemaphoreSlim schemaGate = new(1, 1);
    private volatile bool schemaReady;

    /// <summary>Connects lazily: the first operation creates the pgvector extension and the catalog if missing.</summary>
    /// <param name="connectionString">An Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>).</param>
    public PostgresVectorDatabase(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        try
        {
            Server = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The parser's message names the offending keyword, never a value, so it cannot leak a password.
            throw new StrataDataException($"Data:ConnectionString is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        dataSource = builder.Build();
    }

    /// <summary>Where the database is (the password is never shown by <see cref="PostgresErrors.Describe"/>).</summary>
    internal NpgsqlConnectionStringBuilder Server { get; }

    /// <summary>Creates a collection (its table and indexes, in one transaction); fails if it exists.</summary>
    public async Task<PostgresCollection> CreateAsync(CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.Dimension > PostgresSchema.MaxDimension)
        {
            throw new StrataDataException($"Collection dimension {spec.Dimension} is over pgvector's limit of {PostgresSchema.MaxDimension}.");
        }

        var tableId = await RunAsync(spec.Name, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var id = await CreateCollectionAsync(connection, transaction, spec, cancellationToken).ConfigureAwait(false)
                ?? throw new StrataDataException($"Collection '{spec.Name}' already exists.");
            await ExecuteAsync(connection, transaction, PostgresSchema.CreateIndexes(id, spec), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return id;
        }, cancellationToken).ConfigureAwait(false);
        return new PostgresCollection(this, spec, tableId);
    }

    /// <summary>Opens an existing collection; the caller disposes it.</summary>
    public async Task<PostgresCollection> OpenAsync(string name, CancellationToken cancellationToken = default)
    {
        CollectionSpec.ValidateName(name);
        var (tableId, spec) = await RunAsync(name, async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT table_id, spec::text FROM {PostgresSchema.Catalog} WHERE name = @name", connection);
            command.Parameters.AddWithValue("name", name);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new StrataDataException($"Unknown collection '{name}'. Create it with 'strata collections create {name} --dim N'.");
            }

            return (reader.GetInt64(0), ParseSpec(reader.GetString(1), name));
        }, cancellationToken).ConfigureAwait(false);
        await EnsureSourcesTableAsync(name, tableId, cancellationToken).ConfigureAwait(false);
        return new PostgresCollection(this, spec, tableId);
    }

    async Task<IVectorCollection> IVectorDatabase.CreateAsync(CollectionSpec spec, CancellationToken cancellationToken) =>
        await CreateAsync(spec, cancellationToken).ConfigureAwait(false);

    async Task<IVectorCollection> IVectorDatabase.OpenAsync(string name, CancellationToken cancellationToken) =>
        await OpenAsync(name, cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the collection exists.</summary>
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        CollectionSpec.ValidateName(name);
        return RunAsync(name, async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT 1 FROM {PostgresSchema.Catalog} WHERE name = @name", connection);
            command.Parameters.AddWithValue("name", name);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken);
    }

    /// <summary>All collection names, sorted by code point.</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) => RunAsync(null, async connection =>
    {
        await using var command = new NpgsqlCommand($"SELECT name FROM {PostgresSchema.Catalog} ORDER BY name", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)names;
    }, cancellationToken);

    /// <summary>Deletes a collection (catalog row and table, in one transaction); false when it did not exist.</summary>
    public Task<bool> DropAsync(string name, CancellationToken cancellationToken = default)
    {
        CollectionSpec.ValidateName(name);
        return RunAsync(name, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var dropped = await DropCollectionAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return dropped;
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces (or creates) collection <paramref name="name"/> from a snapshot file (the collection file format both
    /// backends write, so an embedded snapshot restores here too). Validated record by record; one transaction, so a
    /// failed or cancelled restore leaves the old collection as it was.
    /// </summary>
    public async Task RestoreAsync(string name, string snapshotPath, CancellationToken cancellationToken = default)
    {
        CollectionSpec.ValidateName(name);
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        var spec = CollectionFile.ReadSpec(snapshotPath) with { Name = name };
        if (spec.Dimension > PostgresSchema.MaxDimension)
        {
            throw new StrataDataException($"Snapshot dimension {spec.Dimension} is over pgvector's limit of {PostgresSchema.MaxDimension}.");
        }

        await RunAsync(name, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await DropCollectionAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            var tableId = (await CreateCollectionAsync(connection, transaction, spec, cancellationToken).ConfigureAwait(false))!.Value;
            // The snapshot is a local SQLite file: reading it is synchronous, the server round trips are not.
            foreach (var batch in CollectionFile.ReadRecords(snapshotPath).Chunk(1000))
            {
                var metadata = RecordValidator.Validate(batch, spec.Dimension, name);
                await PostgresCollection.CopyIntoAsync(connection, PostgresSchema.Table(tableId), batch, metadata, cancellationToken).ConfigureAwait(false);
            }

            // Indexes built after the bulk load: much faster than maintaining them row by row.
            await ExecuteAsync(connection, transaction, PostgresSchema.CreateIndexes(tableId, spec) + PostgresSchema.FillAllSources(tableId), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => dataSource.Dispose();

    /// <summary>
    /// Runs <paramref name="body"/> on a connection of its own from the data source's pool (so concurrent calls, searches of
    /// one collection included, run side by side on separate connections), translating failures into clear errors.
    /// </summary>
    internal async Task<T> RunAsync<T>(string? collection, Func<NpgsqlConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // A command cancelled by the token is not caught here: Npgsql reports it as an OperationCanceledException.
            throw PostgresErrors.Explain(e, collection, Server);
        }
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (schemaReady)
        {
            return;
        }

        await schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (schemaReady)
            {
                return;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, PostgresSchema.CreateCatalog, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // CREATE EXTENSION may have added the vector type after the connection loaded its types.
            await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            schemaReady = true;
        }
        finally
        {
            schemaGate.Release();
        }
    }

    // Concurrent CREATE TABLE IF NOT EXISTS (and create/drop of one name) race in PostgreSQL; a transaction-scoped
    // advisory lock serialises schema changes across processes and is released at commit or rollback.
    private static async Task LockSchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", PostgresSchema.SchemaLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the catalog row and creates the table (no indexes); null when the name is taken.</summary>
    private static async Task<long?> CreateCollectionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CollectionSpec spec, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {PostgresSchema.Catalog}(name, spec) VALUES (@name, @spec::jsonb) ON CONFLICT (name) DO NOTHING RETURNING table_id", connection, transaction);
        insert.Parameters.AddWithValue("name", spec.Name);
        insert.Parameters.AddWithValue("spec", JsonSerializer.Serialize(spec));
        if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long tableId)
        {
            return null;
        }

        await ExecuteAsync(connection, transaction, PostgresSchema.CreateTable(tableId, spec.Dimension) + PostgresSchema.CreateSourcesTable(tableId), cancellationToken).ConfigureAwait(false);
        return tableId;
    }

    private static async Task<bool> DropCollectionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand($"DELETE FROM {PostgresSchema.Catalog} WHERE name = @name RETURNING table_id", connection, transaction);
        delete.Parameters.AddWithValue("name", name);
        if (await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long tableId)
        {
            return false;
        }

        await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {PostgresSchema.Table(tableId)}; DROP TABLE IF EXISTS {PostgresSchema.SourcesTable(tableId)}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Gives a collection created before document-level text its sources table, filled from its records, once; later
    /// opens only look the table up.
    /// </summary>
    private Task EnsureSourcesTableAsync(string name, long tableId, CancellationToken cancellationToken) => RunAsync(name, async connection =>
    {
        const string exists = "SELECT to_regclass(@table) IS NOT NULL";
        await using (var check = new NpgsqlCommand(exists, connection))
        {
            check.Parameters.AddWithValue("table", PostgresSchema.SourcesTable(tableId));
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return 0;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using (var recheck = new NpgsqlCommand(exists, connection, transaction))
        {
            // Another process may have added it while this one waited for the lock.
            recheck.Parameters.AddWithValue("table", PostgresSchema.SourcesTable(tableId));
            if (await recheck.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                await ExecuteAsync(connection, transaction, PostgresSchema.CreateSourcesTable(tableId) + PostgresSchema.FillAllSources(tableId), cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }, cancellationToken);

    private static CollectionSpec ParseSpec(string json, string name)
    {
        try
        {
            return (JsonSerializer.Deserialize<CollectionSpec>(json) ?? throw new JsonException("null")) with { Name = name };
        }
        catch (JsonException e)
        {
            throw new StrataDataException($"Collection '{name}' has an unreadable definition in {PostgresSchema.Catalog}.", e);
        }
    }
}
