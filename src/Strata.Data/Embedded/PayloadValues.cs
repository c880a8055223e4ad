using System.Globalization;
using System.Text.Json;

namespace Strata.Data.Embedded;

/// <summary>
/// One record's metadata as the payload index files it: per top-level field, the scalar elements SQLite's
/// <c>json_each</c> would yield for that field (the value itself, or an array's elements, or an object's member values).
/// Parsed outside the index's write lock, so searches wait only for the postings to be appended.
/// </summary>
internal sealed class PayloadValues
{
    private PayloadValues(List<FieldValues> fields) => Fields = fields;

    /// <summary>The fields present, each once (the first of duplicate keys, as SQLite's path lookup finds it).</summary>
    public IReadOnlyList<FieldValues> Fields { get; }

    /// <summary>Reads the metadata column's JSON text (an object; anything else has no fields).</summary>
    public static PayloadValues Parse(string? json)
    {
        var fields = new List<FieldValues>();
        if (string.IsNullOrEmpty(json))
        {
            return new PayloadValues(fields);
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return new PayloadValues(fields);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                continue;
            }

            var values = new FieldValues(property.Name);
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Array:
                    foreach (var element in property.Value.EnumerateArray())
                    {
                        values.AddElement(element);
                    }

                    break;
                case JsonValueKind.Object:
                    // json_each over an object yields its members' values, so "eq" can match one of them.
                    foreach (var member in property.Value.EnumerateObject())
                    {
                        values.AddElement(member.Value);
                    }

                    break;
                default:
                    values.AddElement(property.Value);
                    break;
            }

            fields.Add(values);
        }

        return new PayloadValues(fields);
    }

    /// <summary>The scalar elements of one field; nulls and nested arrays or objects match no comparison and are not kept.</summary>
    internal sealed class FieldValues(string name)
    {
        public string Name { get; } = name;

        public List<string> Strings { get; } = [];

        public List<NumberKey> Numbers { get; } = [];

        public bool HasTrue { get; private set; }

        public bool HasFalse { get; private set; }

        public void AddElement(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    Strings.Add(element.GetString()!);
                    break;
                case JsonValueKind.Number:
                    Numbers.Add(NumberKey.Parse(element.GetRawText()));
                    break;
                case JsonValueKind.True:
                    HasTrue = true;
                    break;
                case JsonValueKind.False:
                    HasFalse = true;
                    break;
            }
        }
    }
}

/// <summary>
/// A JSON number as SQLite holds it (an integer when its text is one that fits 64 bits, else a double), in a canonical form:
/// an integral double that fits a long is held as that long, so 1 and 1.0 are one key, as SQLite compares them equal.
/// Integers and doubles compare exactly, as SQLite does: 9007199254740993 is above the double 9007199254740992.
/// </summary>
internal readonly struct NumberKey : IEquatable<NumberKey>, IComparable<NumberKey>
{
    private const double TwoTo63 = 9223372036854775808.0;

    private NumberKey(bool isInteger, long integer, double real)
    {
        IsInteger = isInteger;
        Integer = integer;
        Real = real;
    }

    /// <summary>Whether the value is <see cref="Integer"/> (else <see cref="Real"/>, never integral within a long's range).</summary>
    public bool IsInteger { get; }

    public long Integer { get; }

    public double Real { get; }

    public static NumberKey Of(long value) => new(true, value, 0);

    public static NumberKey Of(double value) =>
        value >= -TwoTo63 && value < TwoTo63 && Math.Floor(value) == value ? Of((long)value) : new(false, 0, value);

    /// <summary>Reads JSON number text as SQLite's json_each types it: integer when it parses as a long, else real.</summary>
    public static NumberKey Parse(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? Of(integer)
            : Of(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    public int CompareTo(NumberKey other) => (IsInteger, other.IsInteger) switch
    {
        (true, true) => Integer.CompareTo(other.Integer),
        (false, false) => Real.CompareTo(other.Real),
        (true, false) => CompareIntegerToReal(Integer, other.Real),
        _ => -CompareIntegerToReal(other.Integer, Real),
    };

    // The real is never integral within a long's range (canonical form), so it lies strictly between two longs or outside
    // their range: comparing with its floor decides exactly, where converting the long to a double would round.
    private static int CompareIntegerToReal(long integer, double real)
    {
        if (real >= TwoTo63)
        {
            return -1;
        }

        if (real < -TwoTo63)
        {
            return 1;
        }

        return integer <= (long)Math.Floor(real) ? -1 : 1;
    }

    public bool Equals(NumberKey other) => IsInteger == other.IsInteger && (IsInteger ? Integer == other.Integer : Real.Equals(other.Real));

    public override bool Equals(object? obj) => obj is NumberKey other && Equals(other);

    public override int GetHashCode() => IsInteger ? Integer.GetHashCode() : Real.GetHashCode();
}
