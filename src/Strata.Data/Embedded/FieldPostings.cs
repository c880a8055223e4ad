using System.Runtime.InteropServices;
using Strata.Data.Filters;

namespace Strata.Data.Embedded;

/// <summary>
/// The nodes of one metadata field: those where it is present (any value, as json_type sees it), and per scalar value
/// (strings, numbers, booleans, each compared only with its own type) the nodes holding it. The distinct strings and
/// numbers in order, for range filters, are built when first asked for after a new value arrived.
/// </summary>
internal sealed class FieldPostings
{
    private readonly Dictionary<string, NodeList> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<NumberKey, NodeList> numbers = [];
    private NodeList present;
    private NodeList trueNodes;
    private NodeList falseNodes;
    private string[]? sortedStrings;
    private NumberKey[]? sortedNumbers;

    public NodeList Present => present;

    public NodeList True => trueNodes;

    public NodeList False => falseNodes;

    public IReadOnlyDictionary<string, NodeList> Strings => strings;

    public IReadOnlyDictionary<NumberKey, NodeList> Numbers => numbers;

    public void Add(int node, PayloadValues.FieldValues values)
    {
        present.Add(node);
        foreach (var text in values.Strings)
        {
            ref var nodes = ref CollectionsMarshal.GetValueRefOrAddDefault(strings, text, out var exists);
            if (!exists)
            {
                sortedStrings = null;
            }

            AddOnce(ref nodes, node);
        }

        foreach (var number in values.Numbers)
        {
            ref var nodes = ref CollectionsMarshal.GetValueRefOrAddDefault(numbers, number, out var exists);
            if (!exists)
            {
                sortedNumbers = null;
            }

            AddOnce(ref nodes, node);
        }

        if (values.HasTrue)
        {
            trueNodes.Add(node);
        }

        if (values.HasFalse)
        {
            falseNodes.Add(node);
        }
    }

    // An array holding a value twice files its node once: nodes arrive in ascending order, so a repeat is the last one.
    private static void AddOnce(ref NodeList nodes, int node)
    {
        if (nodes.Count == 0 || nodes.Last != node)
        {
            nodes.Add(node);
        }
    }

    /// <summary>
    /// The distinct strings in code point order. Searches build it under the read lock, possibly two at once: each builds
    /// the same array and the last one published wins, which is harmless.
    /// </summary>
    public string[] SortedStrings()
    {
        var sorted = Volatile.Read(ref sortedStrings);
        if (sorted is null)
        {
            sorted = [.. strings.Keys];
            Array.Sort(sorted, CodePointComparer.Instance);
            Volatile.Write(ref sortedStrings, sorted);
        }

        return sorted;
    }

    /// <summary>The distinct numbers in ascending order (built as <see cref="SortedStrings"/> is).</summary>
    public NumberKey[] SortedNumbers()
    {
        var sorted = Volatile.Read(ref sortedNumbers);
        if (sorted is null)
        {
            sorted = [.. numbers.Keys];
            Array.Sort(sorted);
            Volatile.Write(ref sortedNumbers, sorted);
        }

        return sorted;
    }

    /// <summary>A copy holding only the nodes that <paramref name="isLive"/> keeps, renumbered by <paramref name="newNodeOf"/>.</summary>
    public FieldPostings Remapped(IReadOnlyList<int> newNodeOf, Func<int, bool> isLive)
    {
        var copy = new FieldPostings
        {
            present = Map(present, newNodeOf, isLive),
            trueNodes = Map(trueNodes, newNodeOf, isLive),
            falseNodes = Map(falseNodes, newNodeOf, isLive),
        };
        foreach (var (text, nodes) in strings)
        {
            if (Map(nodes, newNodeOf, isLive) is { Count: > 0 } mapped)
            {
                copy.strings.Add(text, mapped);
            }
        }

        foreach (var (number, nodes) in numbers)
        {
            if (Map(nodes, newNodeOf, isLive) is { Count: > 0 } mapped)
            {
                copy.numbers.Add(number, mapped);
            }
        }

        return copy;
    }

    // Compaction numbers the live nodes in their old order, so the mapped nodes stay ascending.
    private static NodeList Map(NodeList from, IReadOnlyList<int> newNodeOf, Func<int, bool> isLive)
    {
        var to = default(NodeList);
        foreach (var node in from.Nodes())
        {
            if (node < newNodeOf.Count && newNodeOf[node] >= 0 && isLive(node))
            {
                to.Add(newNodeOf[node]);
            }
        }

        to.Trim();
        return to;
    }
}
