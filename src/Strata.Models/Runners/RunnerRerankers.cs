using Strata.Core;
using Strata.Models.Reranking;
using Strata.Models.Store;

namespace Strata.Models.Runners;

/// <summary>The runner's side of reranking: the in-process rerankers, loaded from the store or from a file on trial.</summary>
internal static class RunnerRerankers
{
    /// <summary>
    /// Loads the reranker <paramref name="request"/> names and scores one pair with it, so a model whose head cannot run
    /// fails its load (and a trial before import), not its first request.
    /// </summary>
    public static async Task<(IReranker Reranker, string Provider)> LoadAsync(RunnerLoadRequest request, CancellationToken cancellationToken)
    {
        var gguf = request.Role == RunnerRole.GgufReranker;
        IReranker reranker;
        if (request.Path is { } path)
        {
            reranker = gguf
                ? LlamaReranker.FromFile(path, request.Name, new Embeddings.LlamaEmbeddingOptions { Threads = request.Threads })
                : throw new NotSupportedException("An ONNX cross-encoder on trial is loaded as a graph (RunnerRole.OnnxEmbeddings); it needs its tokenizer from the store to rerank.");
        }
        else
        {
            var store = new ModelStore(new StrataPaths(request.Home ?? throw new ArgumentException("a stored model needs the Strata home", nameof(request))));
            var manifest = store.Get(request.Name);
            // Default runtime options, as the catalog builds the rerankers in process (Models:Llama:Threads is the chat setting).
            reranker = gguf ? LlamaReranker.FromManifest(manifest, store) : OnnxCrossEncoderReranker.FromManifest(manifest, store);
        }

        try
        {
            await reranker.RerankAsync("query", ["document"], null, cancellationToken);
        }
        catch
        {
            reranker.Dispose();
            throw;
        }

        return (reranker, gguf ? "llama.cpp" : "onnxruntime");
    }

    /// <summary>Ranked results back in document order, the form that crosses the channel (the parent ranks and cuts them).</summary>
    public static double[] ScoresInOrder(IReadOnlyList<RerankResult> results, int count)
    {
        var scores = new double[count];
        foreach (var result in results)
        {
            scores[result.Index] = result.RelevanceScore;
        }

        return scores;
    }
}
