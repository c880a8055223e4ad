namespace Strata.Data.Embedded;

/// <summary>
/// The nodes holding one value, appended in node order. A value held by one node (an id, a title) keeps it inline: a
/// field unique per record then costs its dictionary entry and string only, where a list object and its array would add
/// about 70 bytes per record.
/// </summary>
internal struct NodeList
{
    private int single;
    private int[]? many;

    public int Count { get; private set; }

    /// <summary>The node added last (the list must not be empty).</summary>
    public readonly int Last => Count == 1 ? single : many![Count - 1];

    public void Add(int node)
    {
        if (Count == 0)
        {
            single = node;
        }
        else
        {
            if (many is null)
            {
                many = new int[4];
                many[0] = single;
            }
            else if (Count == many.Length)
            {
                Array.Resize(ref many, Count * 2);
            }

            many[Count] = node;
        }

        Count++;
    }

    /// <summary>Sets the bit of every node below the bitset's end.</summary>
    public readonly void SetBits(ulong[] bits)
    {
        if (Count == 1)
        {
            Set(bits, single);
            return;
        }

        foreach (var node in many.AsSpan(0, Count))
        {
            Set(bits, node);
        }
    }

    /// <summary>The nodes, in the order added.</summary>
    public readonly IEnumerable<int> Nodes() => Count == 1 ? [single] : (many ?? []).Take(Count);

    /// <summary>Drops the slack of the array (after a remap, when no more nodes are added for a while).</summary>
    public void Trim()
    {
        if (many is not null && many.Length > Count)
        {
            Array.Resize(ref many, Count);
        }
    }

    private static void Set(ulong[] bits, int node)
    {
        var word = node >> 6;
        if (word < bits.Length)
        {
            bits[word] |= 1UL << (node & 63);
        }
    }
}
