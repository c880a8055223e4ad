using System.Runtime.InteropServices;
using System.Text;
using Strata.Data.Collections;

namespace Strata.Data.Hnsw;

/// <summary>Saving and loading of <see cref="HnswIndex"/>: one binary file, written to a temporary file, flushed, then renamed.</summary>
internal sealed partial class HnswIndex
{
    private const uint Magic = 0x57_4E_48_53; // "SHNW"
    private const int FormatVersion = 1;

    /// <summary>Writes the index atomically: readers see the old file or the new one, never a torn one.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(Dimension);
                writer.Write((int)Metric);
                writer.Write(Parameters.M);
                writer.Write(Parameters.EfConstruction);
                writer.Write(Parameters.EfSearch);
                writer.Write(HighWaterMark);
                writer.Write(NodeCount);
                writer.Write(EntryPoint);
                writer.Write(TopLevel);
                for (var node = 0; node < NodeCount; node++)
                {
                    writer.Write(ids[node]);
                    writer.Write(deleted[node]);
                    writer.Write(links[node].Length);
                    foreach (var list in links[node])
                    {
                        writer.Write(list.Length);
                        writer.Write(MemoryMarshal.AsBytes(list.AsSpan()));
                    }
                }

                writer.Write(MemoryMarshal.AsBytes(vectors.AsSpan(0, NodeCount * Dimension)));
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads an index file; returns null when it is missing, unreadable or made for other parameters (the caller rebuilds).</summary>
    public static HnswIndex? TryLoad(string path, int dimension, DistanceMetric metric, HnswParameters parameters)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadUInt32() != Magic || reader.ReadInt32() != FormatVersion || reader.ReadInt32() != dimension
                || reader.ReadInt32() != (int)metric || reader.ReadInt32() != parameters.M || reader.ReadInt32() != parameters.EfConstruction)
            {
                return null;
            }

            _ = reader.ReadInt32();
            var index = new HnswIndex(dimension, metric, parameters) { HighWaterMark = reader.ReadInt64() };
            var count = reader.ReadInt32();
            var entry = reader.ReadInt32();
            var top = reader.ReadInt32();
            index.EnsureCapacity(count);
            for (var node = 0; node < count; node++)
            {
                index.ids[node] = reader.ReadString();
                index.deleted[node] = reader.ReadBoolean();
                var levels = reader.ReadInt32();
                index.links[node] = new int[levels][];
                for (var layer = 0; layer < levels; layer++)
                {
                    var list = new int[reader.ReadInt32()];
                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(list.AsSpan()));
                    index.links[node][layer] = list;
                }

                if (!index.deleted[node])
                {
                    index.nodeById[index.ids[node]] = node;
                }
            }

            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(index.vectors.AsSpan(0, count * dimension)));
            index.NodeCount = count;
            index.EntryPoint = entry;
            index.TopLevel = top;
            return index;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException or OverflowException or OutOfMemoryException or IndexOutOfRangeException)
        {
            // A damaged index is only a cache of SQLite: rebuilding it is always correct.
            return null;
        }
    }

    private void EnsureCapacity(int count)
    {
        var capacity = Math.Max(16, count);
        vectors = new float[capacity * Dimension];
        ids = new string[capacity];
        links = new int[capacity][][];
        deleted = new bool[capacity];
        visitedStamp = new int[capacity];
    }
}
