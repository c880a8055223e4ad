using System.Numerics.Tensors;
using Strata.Models.Embeddings;
using Strata.Models.Reranking;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// Late interaction (ColBERT's MaxSim) over a sentence embedding model's token embeddings, needing no weights beyond
/// the embedding model: each query token is matched with its most similar document token (cosine), and a document
/// scores the mean of those best matches over the query's tokens. [CLS] and [SEP] are left out on both sides: they
/// summarise the whole input rather than stand for a word.
/// </summary>
/// <remarks>
/// The model was trained for mean-pooled sentence vectors, not for token matching. Measured as a second stage over
/// hybrid search's first 20 chunks it lowered recall@1 and MRR (docs/retrieval.md), so it lives here, as the
/// measurement's reranker, and not among Strata's rerankers. Each call encodes the query and every document once.
/// </remarks>
internal sealed class MaxSimReranker(OnnxEmbeddingGenerator generator) : IReranker
{
    /// <inheritdoc />
    public string ModelId { get; } = (generator ?? throw new ArgumentNullException(nameof(generator))).Metadata.DefaultModelId + "+maxsim";

    /// <inheritdoc />
    public Task<IReadOnlyList<RerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, int? topN = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RerankResult>>([]);
        }

        var queryTokens = Words(generator.GenerateTokenEmbeddings([query], cancellationToken)[0]);
        var documentTokens = generator.GenerateTokenEmbeddings(documents, cancellationToken);
        var scores = documentTokens.Select(tokens => Score(queryTokens, Words(tokens))).ToList();
        IReadOnlyList<RerankResult> ranked = [.. scores.Select((score, index) => new RerankResult(index, score))
            .OrderByDescending(r => r.RelevanceScore).ThenBy(r => r.Index).Take(topN ?? scores.Count)];
        return Task.FromResult(ranked);
    }

    /// <summary>Does nothing: the embedding generator belongs to whoever passed it in, and outlives the reranker.</summary>
    public void Dispose()
    {
    }

    /// <summary>The mean over query tokens of the best cosine with any document token (token vectors are unit length).</summary>
    public static double Score(IReadOnlyList<float[]> queryTokens, IReadOnlyList<float[]> documentTokens)
    {
        ArgumentNullException.ThrowIfNull(queryTokens);
        ArgumentNullException.ThrowIfNull(documentTokens);
        if (queryTokens.Count == 0 || documentTokens.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (var q in queryTokens)
        {
            var best = float.MinValue;
            foreach (var d in documentTokens)
            {
                best = Math.Max(best, TensorPrimitives.Dot(q, d));
            }

            sum += best;
        }

        return sum / queryTokens.Count;
    }

    /// <summary>The word-piece tokens: all but the first ([CLS]) and the last ([SEP]).</summary>
    private static float[][] Words(float[][] tokens) => tokens.Length > 2 ? tokens[1..^1] : tokens;
}
