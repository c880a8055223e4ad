using Npgsql;
using Strata.Data.Collections;
using Strata.Data.Postgres;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Postgres;

/// <summary>Document-level text on PostgreSQL + pgvector.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDocumentTextTests(PostgresFixture fixture) : DocumentTextConformanceTests
{
    private PostgresVectorDatabase? database;

    protected override IVectorDatabase CreateDatabase() => database = new PostgresVectorDatabase(fixture.SharedConnectionString);

    protected override async Task RemoveDocumentTextsAsync(string collection)
    {
        await using var connection = new NpgsqlConnection(fixture.SharedConnectionString);
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("SELECT table_id FROM strata_collections WHERE name = @name", connection);
        find.Parameters.AddWithValue("name", collection);
        var tableId = (long)(await find.ExecuteScalarAsync())!;
        await using var drop = new NpgsqlCommand($"DROP TABLE \"strata_sources_{tableId}\"; DROP INDEX \"strata_records_{tableId}_source\"", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public override void Dispose()
    {
        base.Dispose();
        database?.Dispose();
    }
}
