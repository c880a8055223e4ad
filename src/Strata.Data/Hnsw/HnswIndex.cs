using Strata.Data.Collections;

namespace Strata.Data.Hnsw;

/// <summary>
/// A hierarchical navigable small world graph (Malkov and Yashunin, 2016) over string ids.
/// This file holds the genuinely hard logic of the data layer: insertion with the neighbour-selection heuristic,
/// layered greedy search, filtered search, and tombstones. Deleted or replaced nodes stay in the graph as
/// tombstones (they still route searches) until <see cref="NeedsCompaction"/> says a rebuild pays off.
/// Not thread-safe: the owning collection serialises access.
/// </summary>
internal sealed partial class HnswIndex
{
    private readonly int maxLinks;
    private readonly int maxLinksLayer0;
    private readonly double levelFactor;
    private readonly Random random;

    // SelectNeighbours' order, made once: a lambda reading this index's fields is a new delegate on every call otherwise.
    private Comparison<Neighbour>? closestLiveNewestFirst;
    private readonly Dictionary<string, int> nodeById = new(StringComparer.Ordinal);

    private readonly int layerZeroStride;

    private float[] vectors;
    private string[] ids;

    // Layer 0 holds every node and takes nearly all of a walk's steps, so its lists live in one flat array, a row of
    // layerZeroStride ints per node (as hnswlib lays them out): a visit reads its neighbours without chasing an array of
    // arrays. Element 0 of every list holds the count; the rest are neighbour node numbers.
    private int[] layerZeroLinks;

    // Lists of layers 1 and up, upperLinks[node][layer - 1]; empty for the nodes (about 15 of 16 at M = 16) that live
    // on layer 0 only.
    private int[][][] upperLinks;
    private int[] levels;
    private bool[] deleted;
    private readonly VisitedListPool visitedLists = new();
    private static long versions;
    private long highWaterMark;

    public HnswIndex(int dimension, DistanceMetric metric, HnswParameters parameters, int seed = 42)
    {
        Dimension = dimension;
        Metric = metric;
        Parameters = parameters;
        maxLinks = parameters.M;
        maxLinksLayer0 = parameters.M * 2;
        levelFactor = 1.0 / Math.Log(Math.Max(2, parameters.M));
        random = new Random(seed);
        layerZeroStride = maxLinksLayer0 + 1;
        vectors = [];
        ids = [];
        layerZeroLinks = [];
        upperLinks = [];
        levels = [];
        deleted = [];
        EnsureCapacity(16);
    }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public HnswParameters Parameters { get; }

    /// <summary>Nodes in the graph, tombstones included.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Live (searchable) nodes.</summary>
    public int Count => nodeById.Count;

    /// <summary>Tombstoned nodes awaiting compaction.</summary>
    public int TombstoneCount => NodeCount - Count;

    /// <summary>The last change sequence number reflected here.</summary>
    public long HighWaterMark
    {
        get => highWaterMark;
        set
        {
            highWaterMark = value;
            Changed();
        }
    }

    /// <summary>
    /// A stamp that changes with every change to the graph (a node added or deleted, a new high-water mark) and is never
    /// shared by two indexes (a compacted copy has its own), so a result derived from one state of the graph can be kept
    /// and reused exactly while the stamp stays the same.
    /// </summary>
    public long Version { get; private set; } = Interlocked.Increment(ref versions);

    /// <summary>True when tombstones outweigh half the live nodes: rebuilding then costs less than carrying them.</summary>
    public bool NeedsCompaction => TombstoneCount > 64 && TombstoneCount > Count / 2;

    private int EntryPoint { get; set; } = -1;

    private int TopLevel { get; set; } = -1;

    public bool Contains(string id) => nodeById.ContainsKey(id);

    public bool TryGetNode(string id, out int node) => nodeById.TryGetValue(id, out node);

    public string IdOf(int node) => ids[node];

    public ReadOnlySpan<float> VectorOf(int node) => new(vectors, node * Dimension, Dimension);

    /// <summary>Ids of live nodes.</summary>
    public IEnumerable<string> LiveIds => nodeById.Keys;

    /// <summary>Removes <paramref name="id"/> from results; its node stays as a routing tombstone.</summary>
    public bool Delete(string id)
    {
        if (!nodeById.Remove(id, out var node))
        {
            return false;
        }

        deleted[node] = true;
        Changed();
        return true;
    }

    private void Changed() => Version = Interlocked.Increment(ref versions);

    /// <summary>Adds or replaces the vector of <paramref name="id"/>.</summary>
    public void Upsert(string id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
        {
            throw new StrataDataException($"Vector has {vector.Length} dimensions; the index expects {Dimension}.");
        }

        Delete(id);
        var node = AddNode(id, VectorDistance.Prepare(vector, Metric));
        Link(node, EntryPoint, TopLevel);
        nodeById[id] = node;
    }

    /// <summary>A fresh graph holding only the live nodes, with the same parameters and high-water mark.</summary>
    public HnswIndex Compacted()
    {
        var fresh = new HnswIndex(Dimension, Metric, Parameters) { HighWaterMark = HighWaterMark };
        foreach (var (id, node) in nodeById.OrderBy(pair => pair.Value))
        {
            // Vectors are stored prepared already; preparing twice is harmless (normalising a unit vector).
            fresh.Upsert(id, VectorOf(node));
        }

        return fresh;
    }

    private int AddNode(string id, float[] prepared)
    {
        var node = NodeCount;
        if (node == ids.Length)
        {
            EnsureCapacity(ids.Length * 2);
        }

        Changed();
        prepared.CopyTo(vectors, node * Dimension);
        ids[node] = id;
        deleted[node] = false;
        ResetLinks(node, (int)(-Math.Log(1.0 - random.NextDouble()) * levelFactor));
        NodeCount++;
        return node;
    }

    /// <summary>Gives <paramref name="node"/> <paramref name="level"/> and empty neighbour lists on layers 0 to it.</summary>
    private void ResetLinks(int node, int level)
    {
        levels[node] = level;
        Array.Clear(layerZeroLinks, node * layerZeroStride, layerZeroStride);
        upperLinks[node] = level == 0 ? [] : new int[level][];
        for (var layer = 1; layer <= level; layer++)
        {
            upperLinks[node][layer - 1] = new int[maxLinks + 1];
        }
    }

    /// <summary>Grows every per-node array to hold <paramref name="capacity"/> nodes, keeping what they hold.</summary>
    private void EnsureCapacity(int capacity)
    {
        if (capacity <= ids.Length)
        {
            return;
        }

        Array.Resize(ref vectors, capacity * Dimension);
        Array.Resize(ref ids, capacity);
        Array.Resize(ref layerZeroLinks, capacity * layerZeroStride);
        Array.Resize(ref upperLinks, capacity);
        Array.Resize(ref levels, capacity);
        Array.Resize(ref deleted, capacity);
    }

    /// <summary>The neighbour list of <paramref name="node"/> on <paramref name="layer"/>: element 0 is the count.</summary>
    private Span<int> Links(int node, int layer) =>
        layer == 0 ? layerZeroLinks.AsSpan(node * layerZeroStride, layerZeroStride) : upperLinks[node][layer - 1];

    /// <summary>Links <paramref name="node"/> into the graph entered at <paramref name="entryPoint"/>, whose top layer is <paramref name="topLevel"/>.</summary>
    private void Link(int node, int entryPoint, int topLevel)
    {
        var level = levels[node];
        if (entryPoint < 0)
        {
            EntryPoint = node;
            TopLevel = level;
            return;
        }

        var query = VectorOf(node);
        var current = entryPoint;
        var currentDistance = Distance(query, current);
        for (var layer = topLevel; layer > level; layer--)
        {
            (current, currentDistance) = GreedyClosest(query, current, currentDistance, layer);
        }

        for (var layer = Math.Min(level, topLevel); layer >= 0; layer--)
        {
            var candidates = SearchLayer(query, current, Parameters.EfConstruction, layer, acceptResult: null)!;
            var limit = layer == 0 ? maxLinksLayer0 : maxLinks;
            var selected = SelectNeighbours(candidates, maxLinks);
            SetOwnLinks(node, layer, selected, limit);
            foreach (var neighbour in selected)
            {
                AddBackLink(neighbour.Node, node, layer, limit);
            }

            current = candidates[0].Node;
        }

        if (level > topLevel)
        {
            TopLevel = level;
            EntryPoint = node;
        }
    }

    private void AddBackLink(int from, int to, int layer, int limit)
    {
        if (linkLocks is { } locks)
        {
            lock (locks[from & (locks.Length - 1)])
            {
                AddBackLinkUnlocked(from, to, layer, limit);
            }
        }
        else
        {
            AddBackLinkUnlocked(from, to, layer, limit);
        }
    }

    private void AddBackLinkUnlocked(int from, int to, int layer, int limit)
    {
        var list = Links(from, layer);
        var count = list[0];
        if (count < limit)
        {
            list[count + 1] = to;
            list[0] = count + 1;
            return;
        }

        // Full: keep the best-spread subset of the old neighbours plus the new one.
        var origin = VectorOf(from);
        var scratch = TakeScratch();
        try
        {
            var candidates = scratch.Candidates;
            candidates.Add(new(to, Distance(origin, to)));
            for (var i = 1; i <= count; i++)
            {
                candidates.Add(new(list[i], Distance(origin, list[i])));
            }

            SetLinksUnlocked(from, layer, SelectNeighbours(candidates, limit, scratch.Chosen));
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>
    /// Gives a node being inserted its neighbours on <paramref name="layer"/>. Linked on one thread, its list is still
    /// empty here. Linked in parallel, another node may already have found it (through a layer above, where it is linked
    /// already) and added itself to this list; overwriting would leave that node with no way in, so the two are merged and
    /// pruned by the same heuristic.
    /// </summary>
    private void SetOwnLinks(int node, int layer, List<Neighbour> selected, int limit)
    {
        if (linkLocks is not { } locks)
        {
            SetLinksUnlocked(node, layer, selected);
            return;
        }

        lock (locks[node & (locks.Length - 1)])
        {
            var list = Links(node, layer);
            if (list[0] == 0)
            {
                SetLinksUnlocked(node, layer, selected);
                return;
            }

            var origin = VectorOf(node);
            var merged = new List<Neighbour>(selected);
            var already = selected.Select(n => n.Node).ToHashSet();
            for (var i = 1; i <= list[0]; i++)
            {
                if (already.Add(list[i]))
                {
                    merged.Add(new(list[i], Distance(origin, list[i])));
                }
            }

            merged.Sort();
            SetLinksUnlocked(node, layer, merged.Count <= limit ? merged : SelectNeighbours(merged, limit));
        }
    }

    private void SetLinksUnlocked(int node, int layer, List<Neighbour> neighbours)
    {
        var list = Links(node, layer);
        list[0] = neighbours.Count;
        for (var i = 0; i < neighbours.Count; i++)
        {
            list[i + 1] = neighbours[i].Node;
        }
    }

    /// <summary>
    /// The HNSW heuristic: take candidates closest first, skipping one that is closer to an already chosen neighbour
    /// than to the base node, so links spread in different directions. Skipped candidates are not added back to fill
    /// the list (the paper's optional keepPrunedConnections, off in hnswlib too): the extra links cost distance
    /// computations on every visit and bought no recall. Dropping them made the 20,000-vector build 1.2× faster and
    /// search at recall ≥ 0.95 1.2× (MiniLM embeddings) faster in <c>strata bench vectors</c>.
    /// </summary>
    private List<Neighbour> SelectNeighbours(List<Neighbour> sortedCandidates, int limit) => SelectNeighbours(sortedCandidates, limit, new List<Neighbour>(limit));

    // The same, into chosen (empty): a reused list where the caller only copies the result out.
    private List<Neighbour> SelectNeighbours(List<Neighbour> sortedCandidates, int limit, List<Neighbour> chosen)
    {
        // Among equal distances (duplicate vectors, common in real data) live nodes come first, then newer ones. Sorting by
        // distance alone left ties in any order, so a record deleted and re-inserted many times with the same vector could
        // lose every incoming link to its own tombstones once the lists were full, and searches stopped finding it.
        sortedCandidates.Sort(closestLiveNewestFirst ??= (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance)
            : deleted[a.Node] != deleted[b.Node] ? (deleted[a.Node] ? 1 : -1)
            : b.Node.CompareTo(a.Node));
        foreach (var candidate in sortedCandidates)
        {
            if (chosen.Count >= limit)
            {
                break;
            }

            var candidateVector = VectorOf(candidate.Node);
            var keep = true;
            foreach (var kept in chosen)
            {
                if (VectorDistance.Distance(candidateVector, VectorOf(kept.Node), Metric) < candidate.Distance)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                chosen.Add(candidate);
            }
        }

        return chosen;
    }

    private float Distance(ReadOnlySpan<float> query, int node) => VectorDistance.Distance(query, VectorOf(node), Metric);

    internal readonly record struct Neighbour(int Node, float Distance) : IComparable<Neighbour>
    {
        public int CompareTo(Neighbour other) => Distance.CompareTo(other.Distance);
    }
}
