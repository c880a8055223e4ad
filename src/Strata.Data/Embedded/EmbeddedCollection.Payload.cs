using Microsoft.Data.Sqlite;
using Strata.Data.Hnsw;

namespace Strata.Data.Embedded;

/// <summary>
/// Keeping the payload index (<see cref="PayloadIndex"/>) in step with the graph: filed from SQLite when a graph is loaded
/// from its file, remapped when compaction renumbers the nodes. Catch-ups file each changed record with its node.
/// </summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>Each node of <paramref name="old"/> mapped to the node of the same id in <paramref name="compacted"/> (-1: gone).</summary>
    private static int[] NewNodesOf(HnswIndex old, HnswIndex compacted)
    {
        var map = new int[old.NodeCount];
        for (var node = 0; node < map.Length; node++)
        {
            // A tombstone keeps its id, which the compacted graph may hold for the record's newer node: only live nodes map.
            var id = old.IdOf(node);
            map[node] = old.TryGetNode(id, out var current) && current == node && compacted.TryGetNode(id, out var fresh) ? fresh : -1;
        }

        return map;
    }

    /// <summary>
    /// Files the metadata of every node of a graph loaded from its file. Records changed or deleted since the file was
    /// written get their metadata filed here on their old node, which the catch-up that follows replaces or removes.
    /// </summary>
    private void LoadPayload()
    {
        if (index.Count == 0)
        {
            return;
        }

        try
        {
            using var command = SqliteStore.Command(connection, "SELECT id, metadata FROM records", null);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (index.TryGetNode(reader.GetString(0), out var node))
                {
                    payload.Add(node, PayloadValues.Parse(reader.GetString(1)));
                }
            }
        }
        catch (SqliteException e)
        {
            throw SqliteStore.Explain(e, Name);
        }
    }
}
