using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Core;

namespace Strata.Server.Tests.Knowledge;

public sealed class IngestionRestartTests
{
    [Fact]
    public async Task Uploads_a_previous_server_left_queued_are_ingested_at_the_next_start()
    {
        // The state a server leaves when stopped after accepting an upload and before ingesting it.
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-restart-test-" + Guid.NewGuid().ToString("N")));
        (await new EmbeddedVectorDatabase(paths.Data).CreateAsync(new CollectionSpec("resume", 384, EmbeddingModel: "minilm"))).Dispose();
        var upload = Path.Combine(paths.Home, "uploads", "resume", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(upload)!);
        await File.WriteAllTextAsync(upload, "The ferry to Pellan leaves at noon.");
        using (var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, "resume")))
        {
            ledger.Save(new IngestedDocument(upload, "", DocumentState.Queued, null, null, 0, [], DateTimeOffset.UtcNow));
        }

        await using var server = await RunningServer.StartAsync(paths: paths);

        for (var attempt = 0; attempt < 600; attempt++)
        {
            var state = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/resume/documents/notes.txt", UriKind.Relative)));
            if (state.GetProperty("state").GetString() == "ready")
            {
                var stats = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/resume", UriKind.Relative)));
                Assert.Equal(1, stats.GetProperty("count").GetInt64());
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The queued upload was not ingested after the restart.");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_strata_api_with_summaries()
    {
        await using var server = await RunningServer.StartAsync();

        var openApi = await server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        foreach (var expected in new[]
        {
            "/api/collections/{name}/search", "/api/collections/{name}/documents", "/api/collections/{name}/ask", "/api/models/pull", "/v1/images/generations",
            "Dense, BM25 or hybrid search with an optional metadata filter", "Answer a question from a collection with numbered citations",
        })
        {
            Assert.Contains(expected, openApi, StringComparison.Ordinal);
        }
    }
}
