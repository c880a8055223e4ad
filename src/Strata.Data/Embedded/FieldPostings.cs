namespace Strata.Data.Embedded;

/// <summary>
/// The nodes of one metadata field: those where it is present (any value, null included, as json_type sees it), and per
/// scalar value (strings, numbers, booleans, each compared only with its own type) the nodes holding it. The distinct
/// strings and numbers in order, for range filters, are built when first asked for after a new value arrived.
/// </summary>
internal sealed class FieldPostings
{
    private readonly Dictionary<string, List<int>> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<NumberKey, List<int>> numbers = [];
    private string[]? sortedStrings;
    private NumberKey[]? sortedNumbers;

    public List<int> Present { get; } = [];

    public List<int> True { get; } = [];

    public List<int> False { get; } = [];

    public IReadOnlyDictionary<string, List<int>> Strings => strings;

    public IReadOnlyDictionary<NumberKey, List<int>> Numbers => numbers;

    public void Add(int node, PayloadValues.FieldValues values)
    {
        Present.Add(node);
        foreach (var text in values.Strings)
        {
            if (!strings.TryGetValue(text, out var nodes))
            {
                strings.Add(text, nodes = []);
                sortedStrings = null;
            }

            nodes.Add(node);
        }

        foreach (var number in values.Numbers)
        {
            if (!numbers.TryGetValue(number, out var nodes))
            {
                numbers.Add(number, nodes = []);
                sortedNumbers = null;
            }

            nodes.Add(node);
        }

        if (values.HasTrue)
        {
            True.Add(node);
        }

        if (values.HasFalse)
        {
            False.Add(node);
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
        var copy = new FieldPostings();
        Map(Present, copy.Present, newNodeOf, isLive);
        Map(True, copy.True, newNodeOf, isLive);
        Map(False, copy.False, newNodeOf, isLive);
        foreach (var (text, nodes) in strings)
        {
            var mapped = new List<int>();
            if (Map(nodes, mapped, newNodeOf, isLive))
            {
                copy.strings.Add(text, mapped);
            }
        }

        foreach (var (number, nodes) in numbers)
        {
            var mapped = new List<int>();
            if (Map(nodes, mapped, newNodeOf, isLive))
            {
                copy.numbers.Add(number, mapped);
            }
        }

        return copy;
    }

    private static bool Map(List<int> from, List<int> to, IReadOnlyList<int> newNodeOf, Func<int, bool> isLive)
    {
        foreach (var node in from)
        {
            if (node < newNodeOf.Count && newNodeOf[node] >= 0 && isLive(node))
            {
                to.Add(newNodeOf[node]);
            }
        }

        to.TrimExcess();
        return to.Count > 0;
    }
}
