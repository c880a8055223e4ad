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
/// one PostgreSQL transaction on a pooled connection.
/// </summary>
public sealed class PostgresVectorDatabase : IVectorDatabase, IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly Lock schemaGate = new();
    private bool schemaReady;

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
    public PostgresCollection Create(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.Dimension > PostgresSchema.MaxDimension)
        {
            throw new StrataDataException($"Collection dimension {spec.Dimension} is over pgvector's limit of {PostgresSchema.MaxDimension}.");
        }

        var tableId = Run(spec.Name, connection =>
        {
            using var transaction = connection.BeginTransaction();
            LockSchema(connection, transaction);
            var id = CreateCollection(connection, transaction, spec) ?? throw new StrataDataException($"Collection '{spec.Name}' already exists.");
            Execute(connection, transaction, PostgresSchema.CreateIndexes(id, spec));
            transaction.Commit();
            return id;
        });
        return new PostgresCollection(this, spec, tableId);
    }

    /// <summary>Opens an existing collection; the caller disposes it.</summary>
    public PostgresCollection Open(string name)
    {
        CollectionSpec.ValidateName(name);
        var (tableId, spec) = Run(name, connection =>
        {
            using var command = new NpgsqlCommand($"SELECT table_id, spec::text FROM {PostgresSchema.Catalog} WHERE name = @name", connection);
            command.Parameters.AddWithValue("name", name);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new StrataDataException($"Unknown collection '{name}'. Create it with 'strata collections create {name} --dim N'.");
            }

            return (reader.GetInt64(0), ParseSpec(reader.GetString(1), name));
        });
        return new PostgresCollection(this, spec, tableId);
    }

    IVectorCollection IVectorDatabase.Create(CollectionSpec spec) => Create(spec);

    IVectorCollection IVectorDatabase.Open(string name) => Open(name);

    /// <summary>Whether the collection exists.</summary>
    public bool Exists(string name)
    {
        CollectionSpec.ValidateName(name);
        return Run(name, connection =>
        {
            using var command = new NpgsqlCommand($"SELECT 1 FROM {PostgresSchema.Catalog} WHERE name = @name", connection);
            command.Parameters.AddWithValue("name", name);
            return command.ExecuteScalar() is not null;
        });
    }

    /// <summary>All collection names, sorted by code point.</summary>
    public IReadOnlyList<string> List() => Run(null, connection =>
    {
        using var command = new NpgsqlCommand($"SELECT name FROM {PostgresSchema.Catalog} ORDER BY name", connection);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)names;
    });

    /// <summary>Deletes a collection (catalog row and table, in one transaction); false when it did not exist.</summary>
    public bool Drop(string name)
    {
        CollectionSpec.ValidateName(name);
        return Run(name, connection =>
        {
            using var transaction = connection.BeginTransaction();
            LockSchema(connection, transaction);
            var dropped = DropCollection(connection, transaction, name);
            transaction.Commit();
            return dropped;
        });
    }

    /// <summary>
    /// Replaces (or creates) collection <paramref name="name"/> from a snapshot file (the collection file format both
    /// backends write, so an embedded snapshot restores here too). Validated record by record; one transaction, so a
    /// failed restore leaves the old collection as it was.
    /// </summary>
    public void Restore(string name, string snapshotPath)
    {
        CollectionSpec.ValidateName(name);
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        var spec = CollectionFile.ReadSpec(snapshotPath) with { Name = name };
        if (spec.Dimension > PostgresSchema.MaxDimension)
        {
            throw new StrataDataException($"Snapshot dimension {spec.Dimension} is over pgvector's limit of {PostgresSchema.MaxDimension}.");
        }

        Run(name, connection =>
        {
            using var transaction = connection.BeginTransaction();
            LockSchema(connection, transaction);
            DropCollection(connection, transaction, name);
            var tableId = CreateCollection(connection, transaction, spec)!.Value;
            foreach (var batch in CollectionFile.ReadRecords(snapshotPath).Chunk(1000))
            {
                var metadata = RecordValidator.Validate(batch, spec.Dimension, name);
                PostgresCollection.CopyInto(connection, PostgresSchema.Table(tableId), batch, metadata);
            }

            // Indexes built after the bulk load: much faster than maintaining them row by row.
            Execute(connection, transaction, PostgresSchema.CreateIndexes(tableId, spec));
            transaction.Commit();
            return 0;
        });
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => dataSource.Dispose();

    /// <summary>Runs <paramref name="body"/> on a pooled connection, translating failures into clear errors.</summary>
    internal T Run<T>(string? collection, Func<NpgsqlConnection, T> body)
    {
        try
        {
            EnsureSchema();
            using var connection = dataSource.OpenConnection();
            return body(connection);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.Explain(e, collection, Server);
        }
    }

    internal static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private void EnsureSchema()
    {
        lock (schemaGate)
        {
            if (schemaReady)
            {
                return;
            }

            using var connection = dataSource.OpenConnection();
            using var transaction = connection.BeginTransaction();
            LockSchema(connection, transaction);
            Execute(connection, transaction, PostgresSchema.CreateCatalog);
            transaction.Commit();
            // CREATE EXTENSION may have added the vector type after the connection loaded its types.
            connection.ReloadTypes();
            schemaReady = true;
        }
    }

    // Concurrent CREATE TABLE IF NOT EXISTS (and create/drop of one name) race in PostgreSQL; a transaction-scoped
    // advisory lock serialises schema changes across processes and is released at commit or rollback.
    private static void LockSchema(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", PostgresSchema.SchemaLockKey);
        command.ExecuteNonQuery();
    }

    /// <summary>Adds the catalog row and creates the table (no indexes); null when the name is taken.</summary>
    private static long? CreateCollection(NpgsqlConnection connection, NpgsqlTransaction transaction, CollectionSpec spec)
    {
        using var insert = new NpgsqlCommand($"INSERT INTO {PostgresSchema.Catalog}(name, spec) VALUES (@name, @spec::jsonb) ON CONFLICT (name) DO NOTHING RETURNING table_id", connection, transaction);
        insert.Parameters.AddWithValue("name", spec.Name);
        insert.Parameters.AddWithValue("spec", JsonSerializer.Serialize(spec));
        if (insert.ExecuteScalar() is not long tableId)
        {
            return null;
        }

        Execute(connection, transaction, PostgresSchema.CreateTable(tableId, spec.Dimension));
        return tableId;
    }

    private static bool DropCollection(NpgsqlConnection connection, NpgsqlTransaction transaction, string name)
    {
        using var delete = new NpgsqlCommand($"DELETE FROM {PostgresSchema.Catalog} WHERE name = @name RETURNING table_id", connection, transaction);
        delete.Parameters.AddWithValue("name", name);
        if (delete.ExecuteScalar() is not long tableId)
        {
            return false;
        }

        Execute(connection, transaction, $"DROP TABLE IF EXISTS {PostgresSchema.Table(tableId)}");
        return true;
    }

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
