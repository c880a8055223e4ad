using System.Collections.Concurrent;
using Strata.Models.Catalog;
using Strata.Models.Store;

namespace Strata.Models.Reranking;

/// <summary>
/// Rerankers by model name, each loaded once and shared: an ONNX cross-encoder or a GGUF reranker from the store (what
/// <c>strata pull</c> of a reranker repository or <c>strata models import</c> puts there). With a
/// <see cref="ModelCatalog"/> that runs models in runners (<c>Models:Runners</c>, the default), the model runs in a runner
/// process it supervises; without one, in this process.
/// </summary>
public sealed class RerankerCatalog(ModelStore store, ModelCatalog? runners = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IReranker>> rerankers = new(StringComparer.Ordinal);

    /// <summary>The reranker for the stored model <paramref name="reference"/>.</summary>
    /// <exception cref="ModelNotFoundException">No such model is stored.</exception>
    /// <exception cref="RerankerModelException">The model is not an ONNX cross-encoder or a GGUF reranker.</exception>
    /// <exception cref="Runners.ModelRunnerException">Its runner could not start, crashed loading it, or the model is marked failing.</exception>
    public IReranker Get(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var lazy = rerankers.GetOrAdd(reference, key => new Lazy<IReranker>(() => Load(key)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the model may be pulled or fixed and asked for again.
            rerankers.TryRemove(new KeyValuePair<string, Lazy<IReranker>>(reference, lazy));
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in rerankers.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
    }

    private IReranker Load(string reference)
    {
        var manifest = store.Get(reference);
        if (manifest.Format == ModelFormat.Gguf)
        {
            // Checked here, in managed code, so a chat or embedding GGUF is refused before any runner starts.
            LlamaReranker.CheckFile(store.PathOf(manifest.Files[0]), manifest.Name);
        }
        else if (manifest.Format != ModelFormat.Onnx)
        {
            throw new RerankerModelException(
                $"Model '{reference}' is {manifest.Format}; Strata reranks with ONNX cross-encoders (e.g. a pulled cross-encoder/ms-marco-MiniLM-L-6-v2) and GGUF rerankers (e.g. bge-reranker).");
        }

        if (runners is { UsesRunners: true })
        {
            // Loading is synchronous in process too; the first request that names the model waits for it either way.
            return runners.CreateRerankerRunnerAsync(manifest).GetAwaiter().GetResult();
        }

        return manifest.Format == ModelFormat.Gguf ? LlamaReranker.FromManifest(manifest, store) : OnnxCrossEncoderReranker.FromManifest(manifest, store);
    }
}
