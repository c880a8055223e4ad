using System.Runtime.InteropServices;

namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>
/// Embedded vectors kept between runs, so a dataset that took minutes to embed loads in a second: a small header
/// (magic, version, base count, query count, dimension) and the float32 vectors in little-endian order, base set first.
/// </summary>
internal static class VectorCacheFile
{
    private const int Version = 1;
    private const int HeaderBytes = 8 + (4 * sizeof(int));

    private static ReadOnlySpan<byte> Magic => "STRATAVC"u8;

    /// <summary>The folder the caches live in: <c>$XDG_CACHE_HOME/strata/bench</c>, else <c>~/.cache/strata/bench</c>; never inside the repository.</summary>
    public static string Folder
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "strata", "bench");
        }
    }

    /// <summary>The cached base set and queries, or null when the file is missing, of another shape, or cut short.</summary>
    public static (float[][] Vectors, float[][] Queries)? TryRead(string path, int count, int queries, int dimension)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        if (stream.Length != HeaderBytes + ((long)(count + queries) * dimension * sizeof(float)))
        {
            return null;
        }

        using var reader = new BinaryReader(stream);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version || reader.ReadInt32() != count || reader.ReadInt32() != queries || reader.ReadInt32() != dimension)
        {
            return null;
        }

        var all = new float[count + queries][];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = new float[dimension];
            stream.ReadExactly(MemoryMarshal.AsBytes(all[i].AsSpan()));
        }

        return (all[..count], all[count..]);
    }

    /// <summary>Writes the vectors to a temporary file and renames it into place, so a reader never sees half a cache.</summary>
    public static void Write(string path, float[][] vectors, float[][] queries)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return; // The format is little-endian; a big-endian machine simply embeds every time.
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write(vectors.Length);
                writer.Write(queries.Length);
                writer.Write(vectors[0].Length);
                foreach (var vector in vectors.Concat(queries))
                {
                    writer.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
                }

                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
