namespace Strata.Data.Hnsw;

/// <summary>
/// The nodes a filter passes, as a bitset over the index's node numbers: built once per query from the filter's answer,
/// then tested per node during a walk at the cost of a shift and a mask (no hashing, no delegate per node).
/// </summary>
internal sealed class AllowedNodes
{
    private readonly ulong[] bits;

    private AllowedNodes(ulong[] bits, int count)
    {
        this.bits = bits;
        Count = count;
    }

    /// <summary>How many nodes pass.</summary>
    public int Count { get; }

    /// <summary>The set of <paramref name="nodes"/> (numbers below <paramref name="nodeCount"/>; repeats count once).</summary>
    public static AllowedNodes From(IEnumerable<int> nodes, int nodeCount)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        // An array or list is read as a span: through IEnumerable each element costs an interface call, which at 50,000
        // passing nodes was a measurable part of a filtered query.
        switch (nodes)
        {
            case int[] array:
                return From(array.AsSpan(), nodeCount);
            case List<int> list:
                return From(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list), nodeCount);
        }

        var bits = new ulong[(nodeCount + 63) / 64];
        var count = 0;
        foreach (var node in nodes)
        {
            Add(bits, node, ref count);
        }

        return new AllowedNodes(bits, count);
    }

    /// <summary>The set of <paramref name="nodes"/> (numbers below <paramref name="nodeCount"/>; repeats count once).</summary>
    public static AllowedNodes From(ReadOnlySpan<int> nodes, int nodeCount)
    {
        var bits = new ulong[(nodeCount + 63) / 64];
        var count = 0;
        foreach (var node in nodes)
        {
            Add(bits, node, ref count);
        }

        return new AllowedNodes(bits, count);
    }

    /// <summary>The set whose bit i (of word i / 64) says whether node i passes; <paramref name="bits"/> is kept, not copied.</summary>
    public static AllowedNodes FromBits(ulong[] bits)
    {
        ArgumentNullException.ThrowIfNull(bits);
        var count = 0;
        foreach (var word in bits)
        {
            count += System.Numerics.BitOperations.PopCount(word);
        }

        return new AllowedNodes(bits, count);
    }

    private static void Add(ulong[] bits, int node, ref int count)
    {
        ref var word = ref bits[node >> 6];
        var mask = 1UL << (node & 63);
        if ((word & mask) == 0)
        {
            word |= mask;
            count++;
        }
    }

    /// <summary>Whether <paramref name="node"/> passes (nodes added to the index after the set was built do not).</summary>
    public bool Contains(int node)
    {
        var word = node >> 6;
        return word < bits.Length && (bits[word] & (1UL << (node & 63))) != 0;
    }

    /// <summary>The passing nodes in ascending order.</summary>
    public IEnumerable<int> Nodes()
    {
        for (var word = 0; word < bits.Length; word++)
        {
            var value = bits[word];
            while (value != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(value);
                yield return (word << 6) + bit;
                value &= value - 1;
            }
        }
    }
}
