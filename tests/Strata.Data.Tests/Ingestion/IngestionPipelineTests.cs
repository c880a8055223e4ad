using Microsoft.Extensions.AI;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Data.Tests.Documents;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Data.Tests.Ingestion;

/// <summary>Ingestion of a real corpus (Debian's reference manual, HTML) with MiniLM, through re-ingests and bad files.</summary>
public sealed class IngestionPipelineTests : IAsyncLifetime
{
    private const string Chapters = "/usr/share/debian-reference";
    private readonly TemporaryFolder home = new();
    private readonly TemporaryFolder corpus = new();
    private IEmbeddingGenerator<string, Embedding<float>> embedder = null!;
    private EmbeddedVectorDatabase database = null!;

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(home.Path);
        embedder = await OnnxEmbeddingGenerator.FromStoreAsync(new ModelStore(paths), BuiltInEmbeddingModels.MiniLm);
        database = new EmbeddedVectorDatabase(paths.Data);
        foreach (var chapter in new[] { "ch03.en.html", "ch04.en.html", "ch07.en.html" })
        {
            File.Copy(Path.Combine(Chapters, chapter), Path.Combine(corpus.Path, chapter));
        }
    }

    public Task DisposeAsync()
    {
        embedder.Dispose();
        home.Dispose();
        corpus.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(IngestionPipeline Pipeline, IVectorCollection Collection, IngestionLedger Ledger)> OpenAsync(DocumentLoaderOptions? loaderOptions = null, UrlGuard? urlGuard = null)
    {
        var collection = await database.ExistsAsync("deb") ? await database.OpenAsync("deb") : await database.CreateAsync(new CollectionSpec("deb", 384, EmbeddingModel: "minilm"));
        var ledger = new IngestionLedger(Path.Combine(home.Path, "ingest", "deb.db"));
        var chunker = new RecursiveChunker(new MiniLmTokenCounter(), new ChunkingOptions { MaxTokens = 200, OverlapTokens = 20 });
        return (new IngestionPipeline(collection, ledger, embedder, new DocumentLoader(loaderOptions, urlGuard), chunker), collection, ledger);
    }

    [Fact]
    public async Task Ingest_reingest_change_and_delete_keep_the_collection_equal_to_the_ledger()
    {
        var (pipeline, collection, ledger) = await OpenAsync();
        using (collection)
        using (ledger)
        {
            var first = await pipeline.IngestAsync([corpus.Path]);
            Assert.Equal(3, first.Added);
            Assert.Empty(first.Failed);
            Assert.All(ledger.List(), d => Assert.Equal(DocumentState.Ready, d.State));
            Assert.All(ledger.List(), d => Assert.Equal(IngestionPipeline.StepNames, d.Steps));
            Assert.Equal(ledger.List().Sum(d => d.Chunks), await collection.CountAsync());

            var again = await pipeline.IngestAsync([corpus.Path]);
            Assert.Equal((0, 0, 3, 0), (again.Added, again.Updated, again.Unchanged, again.Chunks));

            // Shrink one chapter: its chunks are replaced and the extra old ones deleted.
            var changed = Path.Combine(corpus.Path, "ch04.en.html");
            File.WriteAllText(changed, "<html><head><title>Short</title></head><body><main><h1>Short</h1><p>Only one paragraph about sudo remains.</p></main></body></html>");
            var deleted = Path.Combine(corpus.Path, "ch07.en.html");
            File.Delete(deleted);

            var third = await pipeline.IngestAsync([corpus.Path]);

            Assert.Equal((1, 1, 1), (third.Updated, third.Unchanged, third.Removed));
            Assert.Equal(1, await collection.CountAsync(IngestionPipeline.SourceFilter(changed)));
            Assert.Equal(0, await collection.CountAsync(IngestionPipeline.SourceFilter(deleted)));
            Assert.Null(ledger.Find(deleted));
            Assert.Equal(ledger.List().Sum(d => d.Chunks), await collection.CountAsync());
            var hit = Assert.Single(await collection.SearchTextAsync("sudo paragraph remains", new Search.SearchOptions { K = 1 }));
            Assert.Equal(changed, hit.Metadata!["source"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Bad_files_fail_alone_with_reasons_and_are_not_retried_until_they_change()
    {
        File.WriteAllText(Path.Combine(corpus.Path, "broken.pdf"), "%PDF-1.4 this is not a real PDF");
        File.WriteAllBytes(Path.Combine(corpus.Path, "binary.txt"), [0x00, 0x01, 0x02, 0xFF, 0x00, 0x10, 0x00, 0x7F]);
        File.WriteAllText(Path.Combine(corpus.Path, "empty.md"), "");
        var huge = Path.Combine(corpus.Path, "huge.txt");
        using (var stream = File.Create(huge))
        {
            stream.SetLength((50L * 1024 * 1024) + 1);
        }

        var (pipeline, collection, ledger) = await OpenAsync();
        using (collection)
        using (ledger)
        {
            var report = await pipeline.IngestAsync([corpus.Path]);

            Assert.Equal(3, report.Added);
            var failed = report.Failed.ToDictionary(d => Path.GetFileName(d.Source), d => d.Reason ?? "");
            Assert.Equal(["binary.txt", "broken.pdf", "empty.md", "huge.txt"], failed.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("PDF", failed["broken.pdf"], StringComparison.Ordinal);
            Assert.Contains("binary", failed["binary.txt"], StringComparison.Ordinal);
            Assert.Contains("empty", failed["empty.md"], StringComparison.Ordinal);
            Assert.Contains("large", failed["huge.txt"], StringComparison.Ordinal);
            Assert.All(ledger.List().Where(d => failed.ContainsKey(Path.GetFileName(d.Source))), d => Assert.Equal(DocumentState.Failed, d.State));

            var again = await pipeline.IngestAsync([corpus.Path]);
            Assert.Empty(again.Failed);
            Assert.Equal(7, again.Unchanged);
        }
    }

    [Fact]
    public async Task Web_pages_are_ingested_beside_files_skipped_while_their_text_is_unchanged_and_replaced_when_it_changes()
    {
        await using var server = await LoopbackWebServer.StartAsync();
        var page = server.Url("article.html").ToString();
        const string refused = "http://localhost:1/page.html";
        server.Article = "<html><head><title>Backups</title></head><body><main><h1>Backups</h1><p>Rotate the backup tapes every Tuesday.</p></main></body></html>";
        // The test server is on loopback, which the default policy refuses: this guard lets exactly its port through.
        var (pipeline, collection, ledger) = await OpenAsync(new DocumentLoaderOptions { AllowUrls = true }, new UrlGuard(new TestServerOnly(server.BaseAddress.Port)));
        using (collection)
        using (ledger)
        {
            var chapter = Path.Combine(corpus.Path, "ch03.en.html");
            var first = await pipeline.IngestAsync([page, chapter]);

            Assert.Equal(2, first.Added);
            Assert.Equal(DocumentState.Ready, ledger.Find(page)!.State);
            var hit = Assert.Single(await collection.SearchTextAsync("backup tapes Tuesday", new Search.SearchOptions { K = 1 }));
            Assert.Equal(page, hit.Metadata!["source"]!.GetValue<string>());
            Assert.Equal("Backups", hit.Metadata!["title"]!.GetValue<string>());

            // Every response differs in bytes (a nonce in a script), but not in text.
            var again = await pipeline.IngestAsync([page, chapter]);
            Assert.Equal((0, 0, 2), (again.Added, again.Updated, again.Unchanged));

            server.Article = "<html><head><title>Backups</title></head><body><main><p>Backups now go to the cloud bucket nightly.</p></main></body></html>";
            var changed = await pipeline.IngestAsync([page]);
            Assert.Equal(1, changed.Updated);
            Assert.Empty(await collection.SearchTextAsync("tapes Tuesday", new Search.SearchOptions { K = 5, Filter = IngestionPipeline.SourceFilter(page) }));
            Assert.Single(await collection.SearchTextAsync("cloud bucket nightly", new Search.SearchOptions { K = 5, Filter = IngestionPipeline.SourceFilter(page) }));

            // A page the guard refuses fails alone with the reason, and the rest of the batch goes on.
            var mixed = await pipeline.IngestAsync([refused, chapter]);
            var failure = Assert.Single(mixed.Failed);
            Assert.Equal(refused, failure.Source);
            Assert.Contains("refused", failure.Reason, StringComparison.Ordinal);
            Assert.Equal(DocumentState.Failed, ledger.Find(refused)!.State);
        }
    }

    [Fact]
    public async Task Web_pages_fail_with_a_reason_while_urls_are_disabled()
    {
        var (pipeline, collection, ledger) = await OpenAsync();
        using (collection)
        using (ledger)
        {
            var report = await pipeline.IngestAsync(["https://example.com/manual.html"]);

            var failure = Assert.Single(report.Failed);
            Assert.Contains("--allow-urls", failure.Reason, StringComparison.Ordinal);
            Assert.Equal(0, await collection.CountAsync());
        }
    }
}
