using System.Collections.Concurrent;
using Strata.Models.Store;

namespace Strata.Models.Reranking;

/// <summary>
/// Rerankers by model name, each loaded once and shared: an ONNX cross-encoder from the store (what <c>strata pull</c>
/// of a cross-encoder repository or <c>strata models import</c> puts there).
/// </summary>
public sealed class RerankerCatalog(ModelStore store) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IReranker>> rerankers = new(StringComparer.Ordinal);

    /// <summary>The reranker for the stored model <paramref name="reference"/>.</summary>
    /// <exception cref="ModelNotFoundException">No such model is stored.</exception>
    /// <exception cref="RerankerModelException">The model is not an ONNX cross-encoder (GGUF rerankers are not run yet).</exception>
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
        return manifest.Format == ModelFormat.Onnx
            ? OnnxCrossEncoderReranker.FromManifest(manifest, store)
            : throw new RerankerModelException(
                $"Model '{reference}' is {manifest.Format}; Strata reranks with ONNX cross-encoders (e.g. a pulled cross-encoder/ms-marco-MiniLM-L-6-v2). GGUF rerankers are not supported yet.");
    }
}
