using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Strata.Core;
using Strata.Data.Tests.Postgres;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// How an application reaches Strata through Microsoft.Extensions.VectorData: <c>AddStrataData(configuration)</c>, an
/// embedding generator (the built-in MiniLM) registered in the container, then <see cref="VectorStore"/> from it. Each
/// backend supplies its settings; every test gets a fresh, empty database.
/// </summary>
public abstract class ContractBackend : IAsyncLifetime
{
    private readonly TemporaryFolder home = new();
    private readonly List<ServiceProvider> providers = [];

    /// <summary>The built-in MiniLM (384 dimensions), a real embedding model.</summary>
    protected IEmbeddingGenerator<string, Embedding<float>> MiniLm { get; private set; } = null!;

    /// <summary>The settings of a fresh, empty database of this backend.</summary>
    protected abstract Dictionary<string, string?> Settings(TemporaryFolder folder);

    public async Task InitializeAsync() =>
        MiniLm = await OnnxEmbeddingGenerator.FromStoreAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm);

    public Task DisposeAsync()
    {
        providers.ForEach(provider => provider.Dispose());
        MiniLm.Dispose();
        home.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The container's store; with <paramref name="withGenerator"/>, MiniLM is registered as the container's generator.</summary>
    protected VectorStore Store(bool withGenerator = false) => Services(withGenerator).GetRequiredService<VectorStore>();

    /// <summary>A container over a fresh database of this backend.</summary>
    protected ServiceProvider Services(bool withGenerator = false, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        if (withGenerator)
        {
            services.AddSingleton<IEmbeddingGenerator>(MiniLm);
        }

        services.AddSingleton(new StrataPaths(home.Path));
        var settings = Settings(home);
        services.AddStrataData(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        more?.Invoke(services);
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }
}

/// <summary>The settings of each backend: a fresh, empty database per container.</summary>
internal static class ContractSettings
{
    public static Dictionary<string, string?> Embedded(TemporaryFolder folder) =>
        new() { ["Data:Directory"] = folder.Combine("data-" + Guid.NewGuid().ToString("N")) };

    public static Dictionary<string, string?> Postgres(PostgresFixture fixture) =>
        new() { ["Data:Provider"] = "postgres", ["Data:ConnectionString"] = fixture.NewDatabase() };
}
