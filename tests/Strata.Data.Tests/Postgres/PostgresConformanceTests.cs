using Strata.Data.Collections;
using Strata.Data.Postgres;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Postgres;

/// <summary>The conformance suite on PostgreSQL + pgvector.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresConformanceTests(PostgresFixture fixture) : VectorCollectionConformanceTests
{
    private PostgresVectorDatabase? database;

    protected override IVectorDatabase CreateDatabase() => database = new PostgresVectorDatabase(fixture.SharedConnectionString);

    public override void Dispose()
    {
        base.Dispose();
        database?.Dispose();
    }
}
