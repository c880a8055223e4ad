using System.Runtime.InteropServices;
using System.Text;
using Strata.Data.Collections;

namespace Strata.Data.Hnsw;

/// <summary>Saving and loading of <see cref="HnswIndex"/>: one binary file, written to a temporary file, flushed, then renamed.</summary>
internal sealed partial class HnswIndex
{
    private const uint Magic = 0x57_4E_48_53; // "SHNW"
    private const int FormatVersion = 1;

    // Levels are drawn with P(level ≥ l) = M^-l: level 64 would take more nodes than exist. A larger one is a damaged file.
    private const int MaxLevel = 64;

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
                    writer.Write(levels[node] + 1);
                    for (var layer = 0; layer <= levels[node]; layer++)
                    {
                        var list = Links(node, layer);
                        writer.Write(list.Length);
                        writer.Write(MemoryMarshal.AsBytes(list));
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
            if (count < 0 || entry < -1 || entry >= count)
            {
                return null;
            }

            index.EnsureCapacity(count);
            for (var node = 0; node < count; node++)
            {
                index.ids[node] = reader.ReadString();
                index.deleted[node] = reader.ReadBoolean();
                var level = reader.ReadInt32() - 1;
                if (level is < 0 or > MaxLevel)
                {
                    return null;
                }

                index.ResetLinks(node, level);
                for (var layer = 0; layer <= level; layer++)
                {
                    var list = index.Links(node, layer);
                    var length = reader.ReadInt32();
                    if (length != list.Length)
                    {
                        return null;
                    }

                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(list));
                    if (list[0] < 0 || list[0] >= length || list[1..(list[0] + 1)].ContainsAnyExceptInRange(0, count - 1))
                    {
                        return null;
                    }
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
            return index.UpperLayersAreConsistent() ? index : null;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException or OverflowException or OutOfMemoryException or IndexOutOfRangeException)
        {
            // A damaged index is only a cache of SQLite: rebuilding it is always correct.
            return null;
        }
    }

    /// <summary>
    /// What a walk relies on beyond valid node numbers, checked once every node's level is known: the entry point sits on
    /// the top layer, and a list on layer L names only nodes that reach layer L. A file failing this would make a search
    /// index past a node's lists.
    /// </summary>
    private bool UpperLayersAreConsistent()
    {
        if (EntryPoint >= 0 ? TopLevel != levels[EntryPoint] : TopLevel != -1)
        {
            return false;
        }

        for (var node = 0; node < NodeCount; node++)
        {
            for (var layer = 1; layer <= levels[node]; layer++)
            {
                var list = Links(node, layer);
                for (var i = 1; i <= list[0]; i++)
                {
                    if (levels[list[i]] < layer)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}
