using Microsoft.Extensions.Configuration;
using Strata.Models.Embeddings;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Models.Catalog;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>Chapters of Debian's reference manual (seven unless a subclass names others) ingested with MiniLM, plus the tiny test GGUF as a chat model.</summary>
public class DebianCorpusFixture : IAsyncLifetime
{
    public const string Folder = "/usr/share/debian-reference";

    private readonly TemporaryFolder home = new("strata-rag-test-");

    public DebianCorpusFixture()
        : this(["ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07"])
    {
    }

    // Protected: xUnit needs exactly one public constructor on a fixture.
    protected DebianCorpusFixture(IReadOnlyList<string> chapters) => Chapters = chapters;

    public IReadOnlyList<string> Chapters { get; }

    public string Home => home.Path;

    public ModelCatalog Catalog { get; private set; } = null!;

    public IVectorCollection Collection { get; private set; } = null!;

    public static string PathOf(string chapter) => Path.Combine(Folder, chapter + ".en.html");

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Home);
        var store = new ModelStore(paths);
        var gguf = Path.Combine(Home, "tiny.gguf");
        TinyLlamaGguf.Write(gguf, new TinyLlamaOptions { ContextLength = 4096 });
        await new ModelImporter(store).ImportAsync(gguf, "tiny");
        Catalog = new ModelCatalog(store, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Llama:ContextSize"] = "4096",
        }).Build());

        Collection = await new EmbeddedVectorDatabase(paths.Data).CreateAsync(new CollectionSpec("debian", 384, EmbeddingModel: "minilm"));
        using var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, "debian"));
        var pipeline = new IngestionPipeline(
            Collection, ledger, await Catalog.GetEmbeddingGeneratorAsync("minilm"), new DocumentLoader(), new RecursiveChunker(new MiniLmTokenCounter()));
        var report = await pipeline.IngestAsync(Chapters.Select(PathOf).ToList());
        if (report.Failed.Count > 0 || report.Added != Chapters.Count)
        {
            throw new InvalidOperationException("The corpus did not ingest: " + string.Join("; ", report.Failed.Select(f => f.Reason)));
        }
    }

    public async Task DisposeAsync()
    {
        Collection.Dispose();
        await Catalog.DisposeAsync();
        home.Dispose();
    }
}

/// <summary>All twelve chapters of the manual: the corpus that docs/retrieval.md measures and its question file is written about.</summary>
public sealed class DebianManualFixture() : DebianCorpusFixture(["ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"]);
