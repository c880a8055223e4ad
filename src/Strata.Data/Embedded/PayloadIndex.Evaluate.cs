using Strata.Data.Filters;
using Strata.Data.Hnsw;

namespace Strata.Data.Embedded;

/// <summary>Filters evaluated over the postings into bitsets, with the meaning <see cref="SqlFilterTranslator"/> gives them.</summary>
internal sealed partial class PayloadIndex
{
    /// <summary>
    /// The live nodes below <paramref name="nodeCount"/> whose metadata passes <paramref name="filter"/>, or null where the
    /// index cannot answer exactly (an array operand, compared whole: the SQL path answers those). Every node is judged on
    /// its own metadata, deleted ones included, and the live set masks the answer last, so not/ne stay exact.
    /// </summary>
    public AllowedNodes? Evaluate(MetadataFilter filter, int nodeCount)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var words = (nodeCount + 63) >> 6;
        var bits = Bits(filter, words);
        if (bits is null)
        {
            return null;
        }

        for (var i = 0; i < words; i++)
        {
            bits[i] &= i < live.Length ? live[i] : 0;
        }

        if ((nodeCount & 63) != 0 && words > 0)
        {
            bits[words - 1] &= (1UL << (nodeCount & 63)) - 1;
        }

        return AllowedNodes.FromBits(bits);
    }

    private ulong[]? Bits(MetadataFilter filter, int words)
    {
        switch (filter)
        {
            case AndFilter and:
                return Combine(and.Children, words, (a, b) => a & b);
            case OrFilter or:
                return Combine(or.Children, words, (a, b) => a | b);
            case NotFilter not:
                var inner = Bits(not.Child, words);
                return inner is null ? null : Complement(inner);
            case FieldFilter field:
                return EvaluateField(field, words);
            default:
                return null;
        }
    }

    private ulong[]? Combine(IReadOnlyList<MetadataFilter> children, int words, Func<ulong, ulong, ulong> op)
    {
        ulong[]? result = null;
        foreach (var child in children)
        {
            var bits = Bits(child, words);
            if (bits is null)
            {
                return null;
            }

            if (result is null)
            {
                result = bits;
                continue;
            }

            for (var i = 0; i < words; i++)
            {
                result[i] = op(result[i], bits[i]);
            }
        }

        return result ?? new ulong[words];
    }

    private static ulong[] Complement(ulong[] bits)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = ~bits[i];
        }

        return bits;
    }

    private ulong[]? EvaluateField(FieldFilter field, int words)
    {
        if (field.Values.Any(v => v.Elements is not null))
        {
            return null;
        }

        var bits = new ulong[words];
        fields.TryGetValue(field.Field, out var postings);
        switch (field.Operator)
        {
            case FilterOperator.Exists:
                if (postings is not null)
                {
                    postings.Present.SetBits(bits);
                }

                return field.Exists ? bits : Complement(bits);
            case FilterOperator.Eq or FilterOperator.In or FilterOperator.Ne or FilterOperator.Nin:
                if (postings is not null)
                {
                    foreach (var value in field.Values)
                    {
                        SetEqual(bits, postings, value);
                    }
                }

                return field.Operator is FilterOperator.Ne or FilterOperator.Nin ? Complement(bits) : bits;
            default:
                if (postings is not null)
                {
                    SetRange(bits, postings, field.Operator, field.Values[0]);
                }

                return bits;
        }
    }

    private static void SetEqual(ulong[] bits, FieldPostings postings, FilterValue value)
    {
        if (value.Boolean is { } flag)
        {
            (flag ? postings.True : postings.False).SetBits(bits);
        }
        else if (value.Text is { } text)
        {
            if (postings.Strings.TryGetValue(text, out var nodes))
            {
                nodes.SetBits(bits);
            }
        }
        else if (postings.Numbers.TryGetValue(NumberOf(value), out var nodes))
        {
            nodes.SetBits(bits);
        }
    }

    // Booleans take no range (the parser refuses them); strings and numbers take the run of their sorted distinct values
    // that the comparison selects, found by binary search.
    private static void SetRange(ulong[] bits, FieldPostings postings, FilterOperator op, FilterValue value)
    {
        if (value.Text is { } text)
        {
            var sorted = postings.SortedStrings();
            var (from, to) = Run(sorted, text, op, CodePointComparer.Instance);
            for (var i = from; i < to; i++)
            {
                postings.Strings[sorted[i]].SetBits(bits);
            }
        }
        else if (value.Boolean is null)
        {
            var sorted = postings.SortedNumbers();
            var (from, to) = Run(sorted, NumberOf(value), op, Comparer<NumberKey>.Default);
            for (var i = from; i < to; i++)
            {
                postings.Numbers[sorted[i]].SetBits(bits);
            }
        }
    }

    /// <summary>The index range [from, to) of <paramref name="sorted"/> that satisfies "element OP operand".</summary>
    private static (int From, int To) Run<T>(T[] sorted, T operand, FilterOperator op, IComparer<T> comparer)
    {
        // lower: first element ≥ operand; upper: first element > operand.
        var lower = Bound(sorted, operand, comparer, strict: false);
        var upper = Bound(sorted, operand, comparer, strict: true);
        return op switch
        {
            FilterOperator.Gt => (upper, sorted.Length),
            FilterOperator.Gte => (lower, sorted.Length),
            FilterOperator.Lt => (0, lower),
            _ => (0, upper),
        };
    }

    private static int Bound<T>(T[] sorted, T operand, IComparer<T> comparer, bool strict)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            var order = comparer.Compare(sorted[middle], operand);
            if (order < 0 || (strict && order == 0))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static NumberKey NumberOf(FilterValue value) => value.Integer is { } integer ? NumberKey.Of(integer) : NumberKey.Of(value.Number!.Value);
}
