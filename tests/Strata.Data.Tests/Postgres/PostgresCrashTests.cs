using Strata.Data.Postgres;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Postgres;

/// <summary>
/// The crash loop (<see cref="CrashLoop"/>) on PostgreSQL: the client dies mid-batch (mid-COPY or mid-commit) while the
/// server lives on. Every acknowledged batch must be committed, and a batch cut off must leave nothing behind.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresCrashTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Every_acknowledged_batch_survives_a_sigkilled_client_and_no_batch_is_half_written()
    {
        // A database of its own: the collection has a fixed name.
        var connectionString = fixture.NewDatabase();
        await CrashLoop.RunAsync(["postgres"], new Dictionary<string, string> { ["STRATA_CRASH_CONNECTION_STRING"] = connectionString },
            () => new PostgresVectorDatabase(connectionString), iterations: 8, seed: 2025);
    }
}
