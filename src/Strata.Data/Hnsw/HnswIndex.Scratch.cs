namespace Strata.Data.Hnsw;

internal sealed partial class HnswIndex
{
    [ThreadStatic]
    private static WalkScratch? threadScratch;

    /// <summary>
    /// This thread's reusable walk buffers, taken until <see cref="ReturnScratch"/> (a nested use gets its own). A walk's
    /// queues and a back link's candidate lists were new objects every time, about 27 KB per inserted vector, so a
    /// 20,000-vector build ran some 200 collections that stopped both building threads at once.
    /// </summary>
    private static WalkScratch TakeScratch()
    {
        var scratch = threadScratch ?? new WalkScratch();
        threadScratch = null;
        return scratch;
    }

    private static void ReturnScratch(WalkScratch scratch)
    {
        scratch.Frontier.Clear();
        scratch.Results.Clear();
        scratch.Passing.Clear();
        scratch.Candidates.Clear();
        scratch.Chosen.Clear();
        threadScratch = scratch;
    }

    private sealed class WalkScratch
    {
        public PriorityQueue<int, float> Frontier { get; } = new();

        public PriorityQueue<Neighbour, float> Results { get; } = new();

        /// <summary>The collecting walk's best passing nodes, beside <see cref="Results"/>.</summary>
        public PriorityQueue<Neighbour, float> Passing { get; } = new();

        public List<Neighbour> Candidates { get; } = [];

        public List<Neighbour> Chosen { get; } = [];
    }
}
