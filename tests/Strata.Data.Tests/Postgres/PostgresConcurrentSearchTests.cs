using Npgsql;
using Strata.Data.Collections;
using Strata.Data.Postgres;
using Strata.Data.Search;

namespace Strata.Data.Tests.Postgres;

/// <summary>Searches of one PostgreSQL collection run side by side, each on a pooled connection of its own.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresConcurrentSearchTests(PostgresFixture fixture)
{
    private const int Dimension = 16;

    [Fact]
    public async Task Two_searches_of_one_collection_are_both_in_the_server_at_once()
    {
        var connectionString = fixture.NewDatabase();
        using var database = new PostgresVectorDatabase(connectionString);
        using var collection = await database.CreateAsync(new CollectionSpec("shared", Dimension));
        var vectors = SyntheticVectors.LowRank(200, Dimension, seed: 5);
        await collection.UpsertAsync(SyntheticVectors.Records(vectors));
        var table = PostgresSchema.Table(collection.TableId);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // The test holds the table locked, so every search that reaches the server waits there. Serialised searches would
        // put one backend in that wait; concurrent ones put two, each on its own connection.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync(giveUp.Token);
        await using var transaction = await blocker.BeginTransactionAsync(giveUp.Token);
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(giveUp.Token);
        }

        var first = collection.SearchAsync(vectors[3], new SearchOptions { K = 1 }, giveUp.Token);
        var second = collection.SearchAsync(vectors[7], new SearchOptions { K = 1 }, giveUp.Token);
        while (await WaitingOnTheLockAsync(blocker, table, giveUp.Token) < 2)
        {
            Assert.False(first.IsCompleted || second.IsCompleted, "a search finished while the table was locked");
            await Task.Delay(50, giveUp.Token);
        }

        await transaction.RollbackAsync(giveUp.Token);
        Assert.Equal("v000003", (await first)[0].Id);
        Assert.Equal("v000007", (await second)[0].Id);
    }

    /// <summary>Backends other than the blocker's waiting for a lock on <paramref name="table"/>.</summary>
    private static async Task<long> WaitingOnTheLockAsync(NpgsqlConnection blocker, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT count(DISTINCT l.pid) FROM pg_locks l
            WHERE l.relation = @table::regclass AND NOT l.granted AND l.pid <> pg_backend_pid()
            """, blocker);
        command.Parameters.AddWithValue("table", table);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
