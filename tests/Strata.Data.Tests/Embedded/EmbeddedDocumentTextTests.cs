using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Embedded;

/// <summary>Document-level text on the embedded store.</summary>
public sealed class EmbeddedDocumentTextTests : DocumentTextConformanceTests
{
    private readonly TemporaryFolder directory = new();

    protected override IVectorDatabase CreateDatabase() => new EmbeddedVectorDatabase(directory.Path);

    protected override Task RemoveDocumentTextsAsync(string collection)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, collection + ".db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE source_texts; DROP TABLE sources; DROP INDEX records_source; DELETE FROM settings WHERE key = 'source_texts'";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        base.Dispose();
        directory.Dispose();
    }
}
