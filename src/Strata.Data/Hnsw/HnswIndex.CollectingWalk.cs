namespace Strata.Data.Hnsw;

/// <summary>The walk a broad filter takes: the unfiltered walk, collecting the passing nodes it meets on the way.</summary>
internal sealed partial class HnswIndex
{
    /// <summary>
    /// The <paramref name="k"/> nearest nodes of <paramref name="allowed"/> among those an unfiltered walk of width
    /// <paramref name="ef"/> meets, closest first. The walk itself is the unfiltered one (it stops where an unfiltered
    /// search stops), so it costs what an unfiltered query costs plus a bit test per node; every passing node closer than
    /// the walk's final radius is met, so when at least k pass within it the answer is as good as the unfiltered search's
    /// (the caller checks the count and falls back otherwise). Qdrant and Weaviate search broad filters the same way.
    /// </summary>
    public List<Neighbour> SearchCollecting(ReadOnlySpan<float> query, int k, int ef, AllowedNodes allowed)
    {
        if (EntryPoint < 0 || k <= 0)
        {
            return [];
        }

        var prepared = VectorDistance.Prepare(query, Metric);
        var (current, currentDistance) = DescendToLayerZero(prepared);

        var visited = visitedLists.Rent(NodeCount + 1);
        var scratch = TakeScratch();
        try
        {
            return CollectLayerZero(prepared, current, currentDistance, k, Math.Max(ef, k), allowed, visited, scratch);
        }
        finally
        {
            ReturnScratch(scratch);
            visitedLists.Return(visited);
        }
    }

    private List<Neighbour> CollectLayerZero(ReadOnlySpan<float> query, int entry, float entryDistance, int k, int ef, AllowedNodes allowed, VisitedList visited, WalkScratch scratch)
    {
        var frontier = scratch.Frontier;
        var results = scratch.Results;
        var passing = scratch.Passing;
        visited.Visit(entry);
        var distances = 1;
        frontier.Enqueue(entry, entryDistance);
        Consider(entry, entryDistance);

        while (frontier.TryDequeue(out var node, out var distance))
        {
            if (results.Count >= ef && distance > results.Peek().Distance)
            {
                break;
            }

            var list = Links(node, 0);
            PrefetchUnvisited(list, visited);
            for (var i = 1; i <= list[0]; i++)
            {
                var neighbour = list[i];
                if (!visited.Visit(neighbour))
                {
                    continue;
                }

                distances++;
                var neighbourDistance = Distance(query, neighbour);
                if (results.Count < ef || neighbourDistance < results.Peek().Distance)
                {
                    frontier.Enqueue(neighbour, neighbourDistance);
                    Consider(neighbour, neighbourDistance);
                }
            }
        }

        Interlocked.Add(ref walkDistances, distances);
        return ClosestFirst(passing);

        // Tombstones route but are never answers; passing nodes also go to their own best-k.
        void Consider(int candidate, float candidateDistance)
        {
            if (deleted[candidate])
            {
                return;
            }

            results.Enqueue(new(candidate, candidateDistance), -candidateDistance);
            if (results.Count > ef)
            {
                results.Dequeue();
            }

            if (allowed.Contains(candidate) && (passing.Count < k || candidateDistance < passing.Peek().Distance))
            {
                passing.Enqueue(new(candidate, candidateDistance), -candidateDistance);
                if (passing.Count > k)
                {
                    passing.Dequeue();
                }
            }
        }
    }
}
