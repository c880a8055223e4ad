using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.Models.Llama;

// minimum, maximum, exclusiveMinimum and exclusiveMaximum as digit-by-digit grammar rules. Integers are exact; numbers
// take a fraction only where the whole interval [I, I+1) lies inside the bounds, and no exponent, which is stricter than
// the schema but never looser.
public sealed partial class JsonSchemaToGbnf
{
    // Bounds beyond what 16 digits can write are no bound at all for the grammar, which never writes more digits.
    private const long DigitLimit = 9_999_999_999_999_999;

    private static readonly string[] RangeKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    private string NumberRule(JsonElement schema, bool integer, string name)
    {
        var typeName = integer ? "integer" : "number";
        if (!RangeKeywords.Any(keyword => schema.TryGetProperty(keyword, out _)))
        {
            return integer
                ? Primitive("integer", "\"-\"? integral-part space")
                : Primitive("number", "\"-\"? integral-part (\".\" [0-9]{1,15})? ([eE] [-+]? [0-9])? space");
        }

        var low = Bound(schema, "minimum", "exclusiveMinimum", lower: true);
        var high = Bound(schema, "maximum", "exclusiveMaximum", lower: false);

        // The integers allowed: I >= low (I > low when exclusive), I <= high (I < high when exclusive).
        var lowest = low is { } l ? (l.Exclusive ? Math.Floor(l.Value) + 1 : Math.Ceiling(l.Value)) : (decimal?)null;
        var highest = high is { } h ? (h.Exclusive ? Math.Ceiling(h.Value) - 1 : Math.Floor(h.Value)) : (decimal?)null;
        var alternatives = new List<string>();
        if (IntegerRange(lowest, highest) is { } whole)
        {
            alternatives.Add(whole);
        }

        if (!integer)
        {
            // I.F lies in [I, I+1): inside the bounds when I is at least the lowest allowed integer and I+1 <= high.
            var fractionHigh = high is { } top ? Math.Floor(top.Value) - 1 : (decimal?)null;
            if (IntegerRange(Math.Max(0, lowest ?? 0), fractionHigh) is { } fractional)
            {
                alternatives.Add($"({fractional}) \".\" [0-9]{{1,15}}");
            }

            // An exclusive integer lower bound L >= 0 still allows L.F when F is not all zeros (0.5 for exclusiveMinimum 0).
            if (low is { Exclusive: true } open && open.Value == Math.Floor(open.Value) && open.Value >= 0 && open.Value <= DigitLimit
                && (high is null || high.Value.Value >= open.Value + 1))
            {
                alternatives.Add($"\"{open.Value.ToString(CultureInfo.InvariantCulture)}.\" [0-9]{{0,14}} [1-9]");
            }
        }

        if (alternatives.Count == 0)
        {
            throw new NotSupportedException($"no {typeName} the grammar can write lies between the schema's bounds");
        }

        return Define($"{name}-{typeName}", "(" + string.Join(" | ", alternatives) + ") space");
    }

    private static (decimal Value, bool Exclusive)? Bound(JsonElement schema, string inclusive, string exclusive, bool lower)
    {
        (decimal Value, bool Exclusive)? bound = null;
        foreach (var (keyword, isExclusive) in new[] { (inclusive, false), (exclusive, true) })
        {
            if (!schema.TryGetProperty(keyword, out var value))
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                // Draft 4's boolean exclusiveMinimum is not 2020-12; validation decides what it means.
                continue;
            }

            if (!value.TryGetDecimal(out var number) || Math.Abs(number) > DigitLimit)
            {
                continue;
            }

            // Of two lower bounds the larger one (exclusive when equal) is the one that counts, and the reverse for upper bounds.
            if (bound is not { } current || (lower ? number > current.Value : number < current.Value) || (number == current.Value && isExclusive))
            {
                bound = (number, isExclusive);
            }
        }

        return bound;
    }

    // A GBNF expression (no trailing space) for the integers in [low, high] as JSON writes them: no leading zeros, no "-0".
    // Null bounds are open; the grammar never writes more than 16 digits.
    private static string? IntegerRange(decimal? low, decimal? high)
    {
        var lo = low is { } a ? (long)Math.Max(a, -DigitLimit) : -DigitLimit;
        var hi = high is { } b ? (long)Math.Min(b, DigitLimit) : DigitLimit;
        if (lo > hi)
        {
            return null;
        }

        var alternatives = new List<string>();
        if (hi >= 0)
        {
            alternatives.Add(NonNegative(Math.Max(lo, 0), hi));
        }

        if (lo < 0)
        {
            alternatives.Add("\"-\" " + NonNegative(Math.Max(1, -Math.Min(hi, -1)), -lo));
        }

        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
    }

    // Integers in [low, high], 0 <= low <= high, split by digit count.
    private static string NonNegative(long low, long high)
    {
        var parts = new List<string>();
        var from = low;
        while (from <= high)
        {
            var digits = from.ToString(CultureInfo.InvariantCulture).Length;
            var lastOfLength = digits >= 16 ? DigitLimit : (long)Math.Pow(10, digits) - 1;
            var to = Math.Min(high, lastOfLength);
            parts.Add(SameLength(from.ToString(CultureInfo.InvariantCulture), to.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')));
            if (to == long.MaxValue || to >= high)
            {
                break;
            }

            from = to + 1;
        }

        return parts.Count == 1 ? parts[0] : "(" + string.Join(" | ", parts) + ")";
    }

    // Numbers of equal length from low to high, digit by digit: the classic range-to-pattern split.
    private static string SameLength(string low, string high)
    {
        if (low.Length == 0)
        {
            return "";
        }

        if (low == high)
        {
            return $"\"{low}\"";
        }

        var rest = low.Length - 1;
        var (first, last) = (low[0], high[0]);
        if (first == last)
        {
            return Join($"\"{first}\"", SameLength(low[1..], high[1..]));
        }

        var lowTail = low[1..];
        var highTail = high[1..];
        if (lowTail.All(c => c == '0') && highTail.All(c => c == '9'))
        {
            return Join(Digits(first, last), AnyDigits(rest));
        }

        var parts = new List<string> { Join($"\"{first}\"", SameLength(lowTail, new string('9', rest))) };
        if (last - first > 1)
        {
            parts.Add(Join(Digits((char)(first + 1), (char)(last - 1)), AnyDigits(rest)));
        }

        parts.Add(Join($"\"{last}\"", SameLength(new string('0', rest), highTail)));
        return "(" + string.Join(" | ", parts) + ")";

        static string Digits(char from, char to) => from == to ? $"\"{from}\"" : $"[{from}-{to}]";

        static string AnyDigits(int count) => count switch
        {
            0 => "",
            1 => "[0-9]",
            _ => $"[0-9]{{{count}}}",
        };

        static string Join(string head, string tail) => tail.Length == 0 ? head : new StringBuilder(head).Append(' ').Append(tail).ToString();
    }
}
