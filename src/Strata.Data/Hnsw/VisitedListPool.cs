using System.Collections.Concurrent;

namespace Strata.Data.Hnsw;

/// <summary>
/// Visited marks for graph walks, one list per walk in progress, as hnswlib's visited-list pool: a walk rents a list,
/// marks nodes with the list's current stamp (bumping the stamp clears it in O(1)), and returns it. With one shared array,
/// every search of an index had to run under one lock; with a list per walk, searches of one index run in parallel.
/// </summary>
internal sealed class VisitedListPool
{
    private readonly ConcurrentBag<VisitedList> free = [];

    /// <summary>A cleared list covering at least <paramref name="nodes"/> nodes.</summary>
    public VisitedList Rent(int nodes)
    {
        if (!free.TryTake(out var list))
        {
            list = new VisitedList();
        }

        list.Reset(nodes);
        return list;
    }

    public void Return(VisitedList list) => free.Add(list);
}

/// <summary>The visited marks of one walk.</summary>
internal sealed class VisitedList
{
    private int[] stamps = [];
    private int stamp;

    /// <summary>Clears the marks (a new stamp) and makes room for <paramref name="nodes"/> nodes.</summary>
    public void Reset(int nodes)
    {
        if (stamps.Length < nodes)
        {
            // Grown with headroom, so an index that keeps growing does not reallocate on every walk.
            Array.Resize(ref stamps, Math.Max(nodes, stamps.Length * 2));
        }

        if (++stamp == int.MaxValue)
        {
            Array.Clear(stamps);
            stamp = 1;
        }
    }

    public bool IsVisited(int node) => stamps[node] == stamp;

    /// <summary>Marks <paramref name="node"/>; false when it was already marked.</summary>
    public bool Visit(int node)
    {
        if (stamps[node] == stamp)
        {
            return false;
        }

        stamps[node] = stamp;
        return true;
    }
}
