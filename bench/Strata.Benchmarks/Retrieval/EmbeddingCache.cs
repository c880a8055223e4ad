using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace Strata.Benchmarks.Retrieval;

/// <summary>
/// Embeddings kept in a file, keyed by the SHA-256 of their text, so a rerun (or another corpus that shares pages with an
/// earlier one, such as all 317 pages after the 46) embeds only what it has not seen. Each entry is appended as soon as
/// its batch is embedded, so an interrupted run keeps what it finished.
/// </summary>
/// <remarks>File layout: repeated [32-byte hash][dimensions × float32], native byte order; one file per model.</remarks>
internal sealed class EmbeddingCache(string path, int dimensions)
{
    private const int HashBytes = 32;
    private readonly Dictionary<string, float[]> vectors = Load(path, dimensions);

    /// <summary>How many texts the file held when it was opened or has received since.</summary>
    public int Count => vectors.Count;

    /// <summary>
    /// The embedding of each text, in order: from the file when it is there, otherwise from <paramref name="generator"/>
    /// in batches of <paramref name="batch"/>, each written to the file before the next starts.
    /// </summary>
    public async Task<float[][]> GetAsync(
        IReadOnlyList<string> texts, IEmbeddingGenerator<string, Embedding<float>> generator, int batch, Action<int, int> progress, CancellationToken cancellationToken)
    {
        var keys = texts.Select(Key).ToArray();
        var missing = Enumerable.Range(0, texts.Count).Where(i => !vectors.ContainsKey(keys[i])).DistinctBy(i => keys[i]).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        for (var start = 0; start < missing.Count; start += batch)
        {
            var slice = missing.Skip(start).Take(batch).ToList();
            var embedded = await generator.GenerateAsync(slice.Select(i => texts[i]), cancellationToken: cancellationToken);
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
            for (var j = 0; j < slice.Count; j++)
            {
                var vector = embedded[j].Vector.ToArray();
                vectors[keys[slice[j]]] = vector;
                file.Write(Convert.FromHexString(keys[slice[j]]));
                file.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            }

            progress(Math.Min(start + batch, missing.Count), missing.Count);
        }

        return [.. keys.Select(key => vectors[key])];
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Dictionary<string, float[]> Load(string path, int dimensions)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return vectors;
        }

        var bytes = File.ReadAllBytes(path);
        var entry = HashBytes + (dimensions * sizeof(float));
        // A partial last entry (a run killed mid-write) is cut off, so later entries are appended in step; its text is embedded again.
        if (bytes.Length % entry != 0)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            file.SetLength(bytes.Length - (bytes.Length % entry));
        }

        for (var offset = 0; offset + entry <= bytes.Length; offset += entry)
        {
            var key = Convert.ToHexString(bytes, offset, HashBytes);
            vectors[key] = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + HashBytes, dimensions * sizeof(float))).ToArray();
        }

        return vectors;
    }
}
