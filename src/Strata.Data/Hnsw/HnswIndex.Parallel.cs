namespace Strata.Data.Hnsw;

/// <summary>
/// Parallel insertion, as hnswlib does it: nodes are linked by several threads at once, each neighbour list guarded by a
/// lock while it is read or changed, and the entry point by one more lock, held through the insertion of a node that
/// raises the top layer. Searches must not run meanwhile (the owning collection holds its write lock).
/// </summary>
internal sealed partial class HnswIndex
{
    /// <summary>Below this many nodes a batch is linked by one thread: the threads would cost more than they save.</summary>
    public const int ParallelBatchMinimum = 256;

    // Lock striping: 4,096 locks cover every node (node & 4095), so memory does not grow with the index. A thread holds at
    // most one of them at a time, so two nodes sharing a lock can never deadlock.
    private const int LockStripes = 4096;

    private readonly Lock entryLock = new();

    // Non-null only while a batch is being linked by several threads; reads and writes of lists then take the locks.
    private Lock[]? linkLocks;

    /// <summary>
    /// Adds or replaces every record of <paramref name="batch"/> (in order, so a later duplicate wins), linking them on up
    /// to <paramref name="threads"/> threads. Nodes are numbered and their levels drawn in order first, so the set of nodes
    /// does not depend on the thread count; the links do, a little, as they do in hnswlib.
    /// </summary>
    public void UpsertMany(IReadOnlyList<(string Id, float[] Vector)> batch, int threads)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var (_, vector) in batch)
        {
            if (vector.Length != Dimension)
            {
                throw new StrataDataException($"Vector has {vector.Length} dimensions; the index expects {Dimension}.");
            }
        }

        var nodes = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            Delete(batch[i].Id);
            nodes[i] = AddNode(batch[i].Id, VectorDistance.Prepare(batch[i].Vector, Metric));
            nodeById[batch[i].Id] = nodes[i];
        }

        var first = 0;
        if (EntryPoint < 0 && nodes.Length > 0)
        {
            Link(nodes[0], EntryPoint, TopLevel);
            first = 1;
        }

        if (threads <= 1 || nodes.Length - first < ParallelBatchMinimum)
        {
            for (var i = first; i < nodes.Length; i++)
            {
                Link(nodes[i], EntryPoint, TopLevel);
            }

            return;
        }

        linkLocks = new Lock[LockStripes];
        for (var i = 0; i < linkLocks.Length; i++)
        {
            linkLocks[i] = new Lock();
        }

        try
        {
            var next = first - 1;
            var workers = new Thread[threads];
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            for (var t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        for (var i = Interlocked.Increment(ref next); i < nodes.Length; i = Interlocked.Increment(ref next))
                        {
                            LinkConcurrently(nodes[i]);
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(e);
                    }
                })
                { IsBackground = true, Name = "hnsw-insert" };
                workers[t].Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            if (!failures.IsEmpty)
            {
                throw new AggregateException(failures);
            }
        }
        finally
        {
            linkLocks = null;
        }
    }

    private void LinkConcurrently(int node)
    {
        entryLock.Enter();
        var holding = true;
        try
        {
            var (entryPoint, topLevel) = (EntryPoint, TopLevel);
            if (levels[node] <= topLevel)
            {
                // Most nodes: the entry point stays, so others may insert meanwhile.
                entryLock.Exit();
                holding = false;
            }

            Link(node, entryPoint, topLevel);
        }
        finally
        {
            if (holding)
            {
                entryLock.Exit();
            }
        }
    }

    /// <summary>
    /// The neighbour list of <paramref name="node"/> on <paramref name="layer"/> to read: the list itself, or while a batch
    /// is linked in parallel, a copy into <paramref name="buffer"/> taken under the node's lock (element 0 is the count).
    /// </summary>
    private ReadOnlySpan<int> ReadLinks(int node, int layer, Span<int> buffer)
    {
        var list = Links(node, layer);
        if (linkLocks is not { } locks)
        {
            return list;
        }

        lock (locks[node & (LockStripes - 1)])
        {
            var length = list[0] + 1;
            list[..length].CopyTo(buffer);
            return buffer[..length];
        }
    }
}
