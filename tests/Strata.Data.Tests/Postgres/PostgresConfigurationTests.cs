using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Npgsql;
using Strata.Data.Collections;
using Strata.Data.Postgres;

namespace Strata.Data.Tests.Postgres;

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresConfigurationTests(PostgresFixture fixture)
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings) => new ServiceCollection()
        .AddStrataData(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build())
        .BuildServiceProvider();

    [Fact]
    public async Task Data_provider_postgres_wires_the_database_and_the_vector_store_to_postgres()
    {
        using var services = Services(("Data:Provider", "postgres"), ("Data:ConnectionString", fixture.NewDatabase()));
        var database = services.GetRequiredService<IVectorDatabase>();
        Assert.IsType<PostgresVectorDatabase>(database);
        using (var collection = await database.CreateAsync(new CollectionSpec("configured", 3)))
        {
            await collection.UpsertAsync([new VectorRecord("x", [1, 0, 0])]);
        }

        var store = services.GetRequiredService<VectorStore>();
        Assert.Contains("configured", await store.ListCollectionNamesAsync().ToListAsync());
    }

    [Fact]
    public async Task ConnectionStrings_Strata_is_accepted_too()
    {
        using var services = Services(("Data:Provider", "postgres"), ("ConnectionStrings:Strata", fixture.NewDatabase()));
        var database = services.GetRequiredService<IVectorDatabase>();
        Assert.Empty(await database.ListAsync());
    }

    [Fact]
    public void A_postgres_provider_without_a_connection_string_fails_at_startup()
    {
        var error = Assert.Throws<StrataDataException>(() => Services(("Data:Provider", "postgres")));
        Assert.Contains("Data:ConnectionString", error.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<Strata.Core.Errors.StrataConfigurationException>(() => Services(("Data:Provider", "mongo")));
        Assert.Equal("Data:Provider", unknown.Key);
        Assert.Contains("'mongo' is not known", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_a_clear_error_without_the_password()
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var closedPort = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = closedPort, Database = "strata", Username = "someone", Password = "hunter2-secret", Timeout = 3 }.ConnectionString;
        using var services = Services(("Data:Provider", "postgres"), ("Data:ConnectionString", unreachable));
        var database = services.GetRequiredService<IVectorDatabase>();
        var error = await Assert.ThrowsAsync<StrataDataException>(() => database.ListAsync());
        Assert.StartsWith($"Cannot connect to PostgreSQL at 127.0.0.1:{closedPort} (database 'strata', user 'someone')", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);

        var wrongPassword = new NpgsqlConnectionStringBuilder(fixture.Cluster.ConnectionString()) { Password = "wrong-password-secret" }.ConnectionString;
        using var rejected = new PostgresVectorDatabase(wrongPassword);
        var refused = await Assert.ThrowsAsync<StrataDataException>(() => rejected.ListAsync());
        Assert.Contains("password authentication failed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", refused.Message, StringComparison.Ordinal);
    }
}
