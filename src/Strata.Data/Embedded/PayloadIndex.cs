namespace Strata.Data.Embedded;

/// <summary>
/// An in-memory index of the records' metadata by graph node (as Qdrant's payload indexes): per top-level field, each
/// value's nodes, and the values in order for ranges, so a filter becomes its passing nodes without running SQLite over
/// every record (<see cref="Evaluate"/>). It changes only where the graph changes, under the same write lock, so it always
/// describes the graph's own state. Node numbers are never reused within a graph, so postings are only appended: a node
/// deleted or replaced leaves the live set, and every answer is masked by it. Compaction renumbers the nodes and gets a
/// remapped copy (<see cref="Remapped"/>). Reads may run in parallel; writes need the collection's write lock.
/// </summary>
internal sealed partial class PayloadIndex
{
    private readonly Dictionary<string, FieldPostings> fields = new(StringComparer.Ordinal);
    private ulong[] live = new ulong[1];

    /// <summary>Files <paramref name="payload"/> as the metadata of <paramref name="node"/>, a node new to the graph.</summary>
    public void Add(int node, PayloadValues payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        foreach (var values in payload.Fields)
        {
            if (!fields.TryGetValue(values.Name, out var postings))
            {
                postings = new FieldPostings();
                fields.Add(values.Name, postings);
            }

            postings.Add(node, values);
        }

        var word = node >> 6;
        if (word >= live.Length)
        {
            Array.Resize(ref live, Math.Max(word + 1, live.Length * 2));
        }

        live[word] |= 1UL << (node & 63);
    }

    /// <summary>Takes <paramref name="node"/> (deleted or replaced in the graph) out of every answer.</summary>
    public void Remove(int node)
    {
        var word = node >> 6;
        if (word < live.Length)
        {
            live[word] &= ~(1UL << (node & 63));
        }
    }

    /// <summary>Whether <paramref name="node"/> has metadata filed and is live.</summary>
    public bool IsLive(int node)
    {
        var word = node >> 6;
        return word < live.Length && (live[word] & (1UL << (node & 63))) != 0;
    }

    /// <summary>
    /// A copy for a compacted graph: <paramref name="newNodeOf"/> maps each old node to its new number (negative: gone).
    /// Reads this index only, so searches may go on over it meanwhile.
    /// </summary>
    public PayloadIndex Remapped(IReadOnlyList<int> newNodeOf)
    {
        ArgumentNullException.ThrowIfNull(newNodeOf);
        var copy = new PayloadIndex();
        foreach (var (name, postings) in fields)
        {
            copy.fields.Add(name, postings.Remapped(newNodeOf, IsLive));
        }

        for (var node = 0; node < newNodeOf.Count; node++)
        {
            if (newNodeOf[node] >= 0 && IsLive(node))
            {
                var target = newNodeOf[node];
                var word = target >> 6;
                if (word >= copy.live.Length)
                {
                    Array.Resize(ref copy.live, Math.Max(word + 1, copy.live.Length * 2));
                }

                copy.live[word] |= 1UL << (target & 63);
            }
        }

        return copy;
    }
}
