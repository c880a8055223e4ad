using Strata.Data.Collections;
using Strata.Data.Embedded;

namespace Strata.Data.Tests.Conformance;

/// <summary>The conformance suite on the embedded store (SQLite + HNSW).</summary>
public sealed class EmbeddedConformanceTests : VectorCollectionConformanceTests
{
    private readonly TemporaryFolder directory = new();

    protected override IVectorDatabase CreateDatabase() => new EmbeddedVectorDatabase(directory.Path);

    public override void Dispose()
    {
        base.Dispose();
        directory.Dispose();
    }
}
