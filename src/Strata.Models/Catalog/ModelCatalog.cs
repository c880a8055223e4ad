using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Strata.Core.Options;
using Strata.Models.Embeddings;
using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models.Catalog;

/// <summary>
/// Resolves a model reference to a ready client: <c>minilm</c> (built in), <c>tiny</c> (a stored model),
/// <c>openai:gpt-4o-mini</c> or <c>ollama:llama3.2</c> (a configured provider, <c>Providers:NAME</c>).
/// A reference whose prefix before the first colon names a configured provider is remote; anything else is a
/// local model name (local names may contain colons too, like <c>qwen2.5:0.5b</c>).
/// Clients are created once per reference and shared; local models stay loaded until idle.
/// </summary>
public sealed partial class ModelCatalog : IAsyncDisposable
{
    private readonly ModelStore store;
    private readonly ModelPipelineOptions pipeline;
    private readonly LocalChatSettings llama;
    private readonly ILoggerFactory? loggerFactory;
    private readonly ILogger logger;
    private readonly Dictionary<string, RemoteProviderOptions> providers;
    private readonly bool runners;
    private readonly ConcurrentDictionary<string, Lazy<Task<IEmbeddingGenerator<string, Embedding<float>>>>> embedders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<IChatClient>>> chats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Reference, bool InvokeFunctions), IChatClient> pipelines = new();

    /// <summary>Creates the catalog over <paramref name="store"/> with bound options and the configured remote providers.</summary>
    public ModelCatalog(
        ModelStore store, ModelsOptions models, TelemetryOptions telemetry, IEnumerable<RemoteProviderOptions> providers, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(providers);
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.loggerFactory = loggerFactory;
        logger = loggerFactory?.CreateLogger<ModelCatalog>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        pipeline = ModelPipelineOptions.From(models, telemetry);
        llama = LocalChatSettings.From(models.Llama);
        this.providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        runners = models.Runners;
        RunnerHealth = new ModelRunnerHealth(Path.Combine(store.Paths.Logs, "runners"));
    }

    /// <summary>Creates the catalog over <paramref name="store"/>, binding the options and providers from <paramref name="configuration"/> (for hosts without a container).</summary>
    public ModelCatalog(ModelStore store, IConfiguration configuration, ILoggerFactory? loggerFactory = null)
        : this(store, StrataOptionsBinder.Bind<ModelsOptions>(configuration), StrataOptionsBinder.Bind<TelemetryOptions>(configuration),
            RemoteProviderOptions.FromConfiguration(configuration), loggerFactory)
    {
    }

    /// <summary>The crash history of this process's model runners: which models are marked failing, and why.</summary>
    public ModelRunnerHealth RunnerHealth { get; }

    /// <summary>The configured remote providers.</summary>
    public IReadOnlyCollection<RemoteProviderOptions> Providers => providers.Values;

    /// <summary>Splits a remote reference into its provider and model; false for a local reference.</summary>
    public bool TryResolveRemote(string reference, out RemoteProviderOptions provider, out string model)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < reference.Length - 1 && providers.TryGetValue(reference[..colon].ToLowerInvariant(), out provider!))
        {
            model = reference[(colon + 1)..];
            return true;
        }

        provider = null!;
        model = "";
        return false;
    }

    /// <summary>Everything that can be resolved: stored models, built-in models not yet stored, and configured remote models.</summary>
    public IReadOnlyList<CatalogEntry> List()
    {
        var local = store.List().Models;
        var entries = local.Select(model => new CatalogEntry(
            model.Name,
            model.Source.Kind == BuiltInEmbeddingModels.SourceKind ? "builtin" : "local",
            model.Format.ToString().ToLowerInvariant(),
            model.Size,
            CapabilitiesOf(model),
            RunnerHealth.ListedFailureOf(model.Name, VersionOf(model)))).ToList();
        entries.AddRange(BuiltInEmbeddingModels.Names
            .Where(name => local.All(model => model.Name != name))
            .Select(name => new CatalogEntry(name, "builtin", "onnx", null, ModelCapabilities.Embeddings)));
        foreach (var provider in providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var format = provider.Kind == RemoteProviderKind.OpenAI ? "openai" : "anthropic";
            entries.AddRange(provider.Models.Select(model => new CatalogEntry($"{provider.Name}:{model}", "remote", format, null, ModelCapabilities.Chat)));
            entries.AddRange(provider.EmbeddingModels.Select(model => new CatalogEntry($"{provider.Name}:{model}", "remote", format, null, ModelCapabilities.Embeddings)));
        }

        return entries;
    }

    /// <summary>The embedding generator for <paramref name="reference"/>, with telemetry and logging.</summary>
    /// <exception cref="ModelCatalogException">The reference names nothing, or a model that cannot embed.</exception>
    public Task<IEmbeddingGenerator<string, Embedding<float>>> GetEmbeddingGeneratorAsync(string reference, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var lazy = embedders.GetOrAdd(reference, key => new Lazy<Task<IEmbeddingGenerator<string, Embedding<float>>>>(() => CreateEmbeddingGeneratorAsync(key)));
        return Forget(lazy.Value, () => embedders.TryRemove(reference, out _)).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The chat client for <paramref name="reference"/>, with telemetry and logging. With
    /// <paramref name="invokeFunctions"/> tool calls are run by the pipeline; without, they are returned to the caller.
    /// </summary>
    /// <exception cref="ModelCatalogException">The reference names nothing, or a model that cannot chat.</exception>
    public async Task<IChatClient> GetChatClientAsync(string reference, bool invokeFunctions = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var lazy = chats.GetOrAdd(reference, key => new Lazy<Task<IChatClient>>(() => CreateChatClientAsync(key)));
        var inner = await Forget(lazy.Value, () => chats.TryRemove(reference, out _)).WaitAsync(cancellationToken);
        // One pipeline per reference and mode, built once: its telemetry client owns an ActivitySource and a Meter, which
        // are not worth creating on every request. Callers get a wrapper whose disposal leaves the shared pipeline alone.
        var shared = pipelines.GetOrAdd((reference, invokeFunctions), _ => ModelPipeline.BuildChat(new SharedChatClient(inner), pipeline, invokeFunctions, loggerFactory));
        return new SharedChatClient(shared);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var built in pipelines.Values)
        {
            built.Dispose();
        }

        foreach (var lazy in chats.Values.Where(l => l.IsValueCreated))
        {
            (await lazy.Value.ConfigureAwait(false)).Dispose();
        }

        foreach (var lazy in embedders.Values.Where(l => l.IsValueCreated))
        {
            (await lazy.Value.ConfigureAwait(false)).Dispose();
        }

        pipelines.Clear();
        chats.Clear();
        embedders.Clear();
        RunnerHealth.Dispose();
    }

    private static ModelCapabilities CapabilitiesOf(ModelManifest model) => model.Format switch
    {
        ModelFormat.Gguf or ModelFormat.Onnx when ModelInspector.IsReranker(model) => ModelCapabilities.Rerank,
        ModelFormat.Gguf => ModelCapabilities.Chat | ModelCapabilities.Embeddings,
        ModelFormat.Onnx => ModelCapabilities.Embeddings,
        _ => ModelCapabilities.None,
    };

    /// <summary>A failed creation is not cached: the next request tries again (the file may have been fixed).</summary>
    private static async Task<T> Forget<T>(Task<T> creation, Action forget)
    {
        try
        {
            return await creation;
        }
        catch
        {
            forget();
            throw;
        }
    }

    private async Task<IEmbeddingGenerator<string, Embedding<float>>> CreateEmbeddingGeneratorAsync(string reference)
    {
        IEmbeddingGenerator<string, Embedding<float>> inner;
        if (TryResolveRemote(reference, out var provider, out var model))
        {
            inner = provider.Kind == RemoteProviderKind.OpenAI
                ? RemoteClients.CreateEmbeddingGenerator(provider, model)
                : throw new ModelCatalogException($"'{reference}': provider '{provider.Name}' speaks Anthropic's API, which has no embeddings.");
        }
        else
        {
            var manifest = store.Find(reference)
                ?? (BuiltInEmbeddingModels.IsBuiltIn(reference) ? await BuiltInEmbeddingModels.EnsureAsync(store, reference) : null)
                ?? throw NotFound(reference);
            ThrowIfReranker(manifest, "an embedding model");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            logger.ModelLoading(manifest.Name, manifest.Format.ToString().ToLowerInvariant(), store.Root);
            try
            {
                inner = manifest.Format switch
                {
                    ModelFormat.Onnx when runners => await RunnerEmbeddingGenerator.StartAsync(Supervise(manifest, RunnerRole.OnnxEmbeddings), CancellationToken.None),
                    ModelFormat.Gguf when runners => await RunnerEmbeddingGenerator.StartAsync(Supervise(manifest, RunnerRole.GgufEmbeddings), CancellationToken.None),
                    ModelFormat.Onnx => OnnxEmbeddingGenerator.FromManifest(manifest, store),
                    ModelFormat.Gguf => LlamaEmbeddingGenerator.FromManifest(manifest, store),
                    _ => throw new ModelCatalogException($"'{reference}' is a {manifest.Format.ToString().ToLowerInvariant()} model; embeddings need an ONNX or GGUF model."),
                };
            }
            catch (Exception e) when (e is not ModelCatalogException)
            {
                logger.ModelLoadFailed(manifest.Name, e.Message);
                throw;
            }

            logger.ModelLoaded(manifest.Name, clock.Elapsed.TotalMilliseconds);
        }

        return ModelPipeline.BuildEmbeddings(inner, pipeline, loggerFactory);
    }

    // A reimport writes a new manifest, so its creation time tells one import of a name from the next.
    private static string VersionOf(ModelManifest manifest) => manifest.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private SupervisedRunner Supervise(ModelManifest manifest, RunnerRole role) => new(
        new RunnerLoadRequest
        {
            Name = manifest.Name,
            Home = store.Paths.Home,
            Role = role,
            ContextSize = llama.ContextSize,
            MaxParallelSequences = llama.MaxParallelSequences,
            Threads = llama.Threads,
        },
        VersionOf(manifest),
        new RunnerSettings(RunnerHealth, store.Paths.Logs, pipeline.IdleUnload, logger, store.Paths.Home));

    private static void ThrowIfReranker(ModelManifest manifest, string use)
    {
        if (ModelInspector.IsReranker(manifest))
        {
            throw new ModelCatalogException(
                $"'{manifest.Name}' is a reranker, not {use}; use it through POST /v1/rerank, 'strata search --rerank' or Rag:RerankModel.");
        }
    }

    private ModelCatalogException NotFound(string reference)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        var hint = colon > 0 && providers.Count == 0
            ? $" No remote providers are configured, so '{reference[..colon]}:' is not a provider prefix (configure Providers:{reference[..colon]})."
            : "";
        return new ModelCatalogException($"No model '{reference}': it is not in the store, not built in, and not a configured provider's model.{hint} 'strata models list' shows what is available.");
    }
}
