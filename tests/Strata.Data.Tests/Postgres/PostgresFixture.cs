using System.Globalization;
using Strata.Data.TestSupport;

namespace Strata.Data.Tests.Postgres;

/// <summary>
/// One private PostgreSQL cluster (with pgvector) for every PostgreSQL test, started on a free loopback port and removed
/// at the end. The tests fail, never skip, when PostgreSQL or pgvector is missing: the test command installs them.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private const string Template = "strata_template";
    private int databases;

    public PostgresFixture()
    {
        Cluster = LocalPostgresCluster.Start(durable: false);
        Cluster.CreateDatabase(Template);
        SharedConnectionString = NewDatabase();
    }

    public LocalPostgresCluster Cluster { get; }

    /// <summary>A database tests share when their collections have unique names.</summary>
    public string SharedConnectionString { get; }

    /// <summary>A fresh database with pgvector, for tests that use fixed collection names.</summary>
    public string NewDatabase() =>
        Cluster.CreateDatabase("strata_" + Interlocked.Increment(ref databases).ToString(CultureInfo.InvariantCulture), Template);

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
