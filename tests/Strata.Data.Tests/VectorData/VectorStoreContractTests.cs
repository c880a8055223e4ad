using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Postgres;
using Strata.Data.Tests.Postgres;
using Strata.Data.VectorData;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// Code written only against Microsoft.Extensions.VectorData runs on Strata unchanged, whatever the backend: each backend
/// derives from this suite and supplies a fresh, empty <see cref="CreateDatabase"/>.
/// </summary>
public abstract class VectorStoreContractTests : IDisposable
{
    /// <summary>A fresh database with no collections.</summary>
    protected abstract IVectorDatabase CreateDatabase();

    public virtual void Dispose() => GC.SuppressFinalize(this);

    public sealed class Article
    {
        [VectorStoreKey]
        public string Key { get; set; } = "";

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Title { get; set; } = "";

        [VectorStoreData(IsIndexed = true)]
        public string Lang { get; set; } = "";

        [VectorStoreData(IsIndexed = true)]
        public int Year { get; set; }

        [VectorStoreData]
        public bool Published { get; set; }

        [VectorStoreVector(384)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private static ReadOnlyMemory<float> Direction(int axis)
    {
        var v = new float[384];
        v[axis] = 1;
        v[(axis + 1) % 384] = 0.2f;
        return v;
    }

    // Written as application code would be: it sees only the abstract VectorStore.
    private static async Task<List<string>> RunApplicationCode(VectorStore store)
    {
        var articles = store.GetCollection<string, Article>("articles");
        await articles.EnsureCollectionExistsAsync();
        await articles.UpsertAsync(Enumerable.Range(0, 20).Select(i => new Article
        {
            Key = $"a{i:D2}", Title = $"article {i}", Lang = i % 2 == 0 ? "en" : "de", Year = 2000 + i, Published = i % 3 == 0, Embedding = Direction(i),
        }));
        var results = new List<string>();
        await foreach (var hit in articles.SearchAsync(Direction(4), 3, new VectorSearchOptions<Article> { Filter = a => a.Lang == "en" && a.Year >= 2004 }))
        {
            results.Add($"{hit.Record.Key}:{hit.Record.Lang}:{hit.Record.Year}");
        }

        var one = await articles.GetAsync("a07", new RecordRetrievalOptions { IncludeVectors = true });
        results.Add($"{one!.Title}:{one.Published}:{one.Embedding.Length}");
        await foreach (var article in articles.GetAsync(a => a.Published && !(a.Year < 2010), 10))
        {
            results.Add(article.Key);
        }

        await articles.DeleteAsync("a12");
        results.Add((await articles.GetAsync("a12")) is null ? "deleted" : "still there");
        return results;
    }

    [Fact]
    public async Task Application_code_written_against_the_abstraction_runs_on_strata()
    {
        using VectorStore store = new StrataVectorStore(CreateDatabase());
        var results = await RunApplicationCode(store);

        Assert.Equal("a04:en:2004", results[0]);
        Assert.All(results.Take(3), r => Assert.Contains(":en:", r, StringComparison.Ordinal));
        Assert.Equal("article 7:False:384", results[3]);
        Assert.Equal(["a12", "a15", "a18"], results.Skip(4).Take(3));
        Assert.Equal("deleted", results[^1]);
        Assert.True(await store.CollectionExistsAsync("articles"));
        Assert.Contains("articles", await store.ListCollectionNamesAsync().ToListAsync());
    }

    [Fact]
    public async Task An_unsupported_filter_is_refused_not_misread()
    {
        using VectorStore store = new StrataVectorStore(CreateDatabase());
        var articles = store.GetCollection<string, Article>("refuse");
        await articles.EnsureCollectionExistsAsync();
        await Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            await foreach (var unused in articles.GetAsync(a => a.Title.StartsWith('x'), 5))
            {
            }
        });
    }
}

/// <summary>The VectorData contract on the embedded store.</summary>
public sealed class EmbeddedVectorStoreContractTests : VectorStoreContractTests
{
    private readonly TemporaryFolder directory = new();

    protected override IVectorDatabase CreateDatabase() => new EmbeddedVectorDatabase(directory.Path);

    public override void Dispose()
    {
        base.Dispose();
        directory.Dispose();
    }
}

/// <summary>The VectorData contract on PostgreSQL + pgvector.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresVectorStoreContractTests(PostgresFixture fixture) : VectorStoreContractTests
{
    private readonly List<PostgresVectorDatabase> databases = [];

    protected override IVectorDatabase CreateDatabase()
    {
        var database = new PostgresVectorDatabase(fixture.NewDatabase());
        databases.Add(database);
        return database;
    }

    public override void Dispose()
    {
        base.Dispose();
        databases.ForEach(database => database.Dispose());
    }
}
