using System.Runtime.Intrinsics.X86;

namespace Strata.Data.Hnsw;

/// <summary>Search half of <see cref="HnswIndex"/>.</summary>
internal sealed partial class HnswIndex
{
    // Counted with Interlocked: searches of one index run in parallel.
    private long walkDistances;
    private long scanDistances;

    /// <summary>Distances computed by graph walks so far: the work searches did, whatever the machine's speed.</summary>
    public long WalkDistances => Interlocked.Read(ref walkDistances);

    /// <summary>Distances computed by exact scans so far.</summary>
    public long ScanDistances => Interlocked.Read(ref scanDistances);

    /// <summary>
    /// The <paramref name="k"/> nearest live nodes to <paramref name="query"/> that pass <paramref name="accept"/>
    /// (all when null), closest first. Rejected and tombstoned nodes still route the search, so filtering never
    /// disconnects the graph; the caller widens <paramref name="ef"/> for selective filters.
    /// </summary>
    public List<Neighbour> Search(ReadOnlySpan<float> query, int k, int ef, Func<int, bool>? accept = null) =>
        TrySearch(query, k, ef, accept, int.MaxValue, out var found) ? found : [];

    /// <summary>
    /// <see cref="Search"/> that gives up once it has computed <paramref name="maxDistances"/> distances (returning false),
    /// so a caller can bound a filtered walk by what an exact scan of the accepted nodes would cost.
    /// </summary>
    public bool TrySearch(ReadOnlySpan<float> query, int k, int ef, Func<int, bool>? accept, int maxDistances, out List<Neighbour> found)
    {
        found = [];
        if (EntryPoint < 0 || k <= 0)
        {
            return true;
        }

        var prepared = VectorDistance.Prepare(query, Metric);
        var (current, currentDistance) = DescendToLayerZero(prepared);

        bool Accept(int node) => !deleted[node] && (accept is null || accept(node));
        var layerZero = SearchLayer(prepared, current, Math.Max(ef, k), 0, Accept, maxDistances);
        if (layerZero is null)
        {
            return false;
        }

        if (layerZero.Count > k)
        {
            layerZero.RemoveRange(k, layerZero.Count - k);
        }

        found = layerZero;
        return true;
    }

    /// <summary>Exact search over the given nodes: the fallback for filters that pass few records.</summary>
    public List<Neighbour> SearchExact(ReadOnlySpan<float> query, int k, IEnumerable<int> nodes)
    {
        var prepared = VectorDistance.Prepare(query, Metric);
        var best = new PriorityQueue<Neighbour, float>();
        var scanned = 0L;
        foreach (var node in nodes)
        {
            if (deleted[node])
            {
                continue;
            }

            scanned++;
            var distance = Distance(prepared, node);
            if (best.Count < k)
            {
                best.Enqueue(new(node, distance), -distance);
            }
            else if (distance < best.Peek().Distance)
            {
                best.EnqueueDequeue(new(node, distance), -distance);
            }
        }

        Interlocked.Add(ref scanDistances, scanned);
        return ClosestFirst(best);
    }

    // From the entry point greedily down the upper layers: where every search's layer-0 walk starts.
    private (int Node, float Distance) DescendToLayerZero(ReadOnlySpan<float> query)
    {
        var current = EntryPoint;
        var currentDistance = Distance(query, current);
        for (var layer = TopLevel; layer > 0; layer--)
        {
            (current, currentDistance) = GreedyClosest(query, current, currentDistance, layer);
        }

        return (current, currentDistance);
    }

    // A best-k heap (the farthest on top: priority -distance) emptied into a list, closest first.
    private static List<Neighbour> ClosestFirst(PriorityQueue<Neighbour, float> best)
    {
        var ordered = new List<Neighbour>(best.Count);
        while (best.Count > 0)
        {
            ordered.Add(best.Dequeue());
        }

        ordered.Reverse();
        return ordered;
    }

    private (int Node, float Distance) GreedyClosest(ReadOnlySpan<float> query, int current, float currentDistance, int layer)
    {
        var improved = true;
        Span<int> copy = stackalloc int[layerZeroStride];
        while (improved)
        {
            improved = false;
            var list = ReadLinks(current, layer, copy);
            for (var i = 1; i <= list[0]; i++)
            {
                var distance = Distance(query, list[i]);
                if (distance < currentDistance)
                {
                    currentDistance = distance;
                    current = list[i];
                    improved = true;
                }
            }
        }

        return (current, currentDistance);
    }

    /// <summary>
    /// Asks the CPU to start loading the vectors of the listed neighbours not yet visited, before their distances are
    /// computed one by one. Past a few thousand vectors (100,000 of 384 floats are 150 MB) nearly every neighbour a walk
    /// visits is a cache miss, and the loads then overlap instead of waiting in turn; hnswlib prefetches the same way.
    /// The hint cannot fault, and the array is pinned only while the hints are issued.
    /// </summary>
    private unsafe void PrefetchUnvisited(ReadOnlySpan<int> list, VisitedList visited)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (float* start = vectors)
        {
            for (var i = 1; i <= list[0]; i++)
            {
                if (!visited.IsVisited(list[i]))
                {
                    Sse.Prefetch0(start + ((long)list[i] * Dimension));
                }
            }
        }
    }

    /// <summary>
    /// Best-first search of one layer. Results hold only accepted nodes (all nodes when <paramref name="acceptResult"/>
    /// is null, as during construction); the frontier holds every node, so the walk continues through rejected ones.
    /// Null when the walk would compute more than <paramref name="maxDistances"/> distances.
    /// </summary>
    private List<Neighbour>? SearchLayer(ReadOnlySpan<float> query, int entry, int ef, int layer, Func<int, bool>? acceptResult, int maxDistances = int.MaxValue)
    {
        var visited = visitedLists.Rent(NodeCount + 1);
        try
        {
            return SearchLayer(query, entry, ef, layer, acceptResult, maxDistances, visited);
        }
        finally
        {
            visitedLists.Return(visited);
        }
    }

    private List<Neighbour>? SearchLayer(ReadOnlySpan<float> query, int entry, int ef, int layer, Func<int, bool>? acceptResult, int maxDistances, VisitedList visited)
    {
        var scratch = TakeScratch();
        try
        {
            return SearchLayer(query, entry, ef, layer, acceptResult, maxDistances, visited, scratch.Frontier, scratch.Results);
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    private List<Neighbour>? SearchLayer(ReadOnlySpan<float> query, int entry, int ef, int layer, Func<int, bool>? acceptResult, int maxDistances, VisitedList visited,
        PriorityQueue<int, float> frontier, PriorityQueue<Neighbour, float> results)
    {
        Span<int> copy = stackalloc int[layerZeroStride];
        var entryDistance = Distance(query, entry);
        visited.Visit(entry);
        var distances = 1;
        frontier.Enqueue(entry, entryDistance);
        if (acceptResult is null || acceptResult(entry))
        {
            results.Enqueue(new(entry, entryDistance), -entryDistance);
        }

        while (frontier.TryDequeue(out var node, out var distance))
        {
            if (results.Count >= ef && distance > results.Peek().Distance)
            {
                break;
            }

            var list = ReadLinks(node, layer, copy);
            PrefetchUnvisited(list, visited);
            for (var i = 1; i <= list[0]; i++)
            {
                var neighbour = list[i];
                if (!visited.Visit(neighbour))
                {
                    continue;
                }

                if (++distances > maxDistances)
                {
                    Interlocked.Add(ref walkDistances, maxDistances);
                    return null;
                }

                var neighbourDistance = Distance(query, neighbour);
                if (results.Count < ef || neighbourDistance < results.Peek().Distance)
                {
                    frontier.Enqueue(neighbour, neighbourDistance);
                    if (acceptResult is null || acceptResult(neighbour))
                    {
                        results.Enqueue(new(neighbour, neighbourDistance), -neighbourDistance);
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }
                    }
                }
            }
        }

        Interlocked.Add(ref walkDistances, distances);
        return ClosestFirst(results);
    }
}
