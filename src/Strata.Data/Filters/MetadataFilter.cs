using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Data.Filters;

/// <summary>
/// A metadata filter, parsed from JSON. Leaves are <c>{"field": NAME, OP: VALUE}</c> with OP one of
/// <c>eq ne gt gte lt lte in nin exists</c>; nodes are <c>{"and": [..]}</c>, <c>{"or": [..]}</c>, <c>{"not": {..}}</c>.
/// A field that holds an array matches when any element matches (<c>eq</c>, <c>gt</c>...); <c>ne</c> and <c>nin</c>
/// are the negations of <c>eq</c> and <c>in</c>, so records without the field pass them. Comparisons only match
/// values of the same type (a number never equals a string); strings compare ordinally.
/// </summary>
public abstract record MetadataFilter
{
    /// <summary>Parses a filter from its JSON text.</summary>
    public static MetadataFilter Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new StrataDataException($"Invalid filter: not JSON ({e.Message}).", e);
        }

        return Parse(node);
    }

    /// <summary>Parses a filter from a JSON node.</summary>
    public static MetadataFilter Parse(JsonNode? node) => FilterParser.Parse(node, depth: 0);
}

/// <summary>Every child must match.</summary>
/// <param name="Children">The conditions.</param>
public sealed record AndFilter(IReadOnlyList<MetadataFilter> Children) : MetadataFilter;

/// <summary>At least one child must match.</summary>
/// <param name="Children">The conditions.</param>
public sealed record OrFilter(IReadOnlyList<MetadataFilter> Children) : MetadataFilter;

/// <summary>The child must not match.</summary>
/// <param name="Child">The negated condition.</param>
public sealed record NotFilter(MetadataFilter Child) : MetadataFilter;

/// <summary>A condition on one metadata field.</summary>
/// <param name="Field">The top-level metadata key.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Values">The operand: one scalar for comparisons, any number for <c>in</c>/<c>nin</c>, none for <c>exists</c>.</param>
/// <param name="Exists">For <c>exists</c>: whether the field must be present.</param>
public sealed record FieldFilter(string Field, FilterOperator Operator, IReadOnlyList<FilterValue> Values, bool Exists = true) : MetadataFilter;

/// <summary>Comparison operators of the filter language.</summary>
public enum FilterOperator
{
    /// <summary>Equal (any array element).</summary>
    Eq,

    /// <summary>Not <see cref="Eq"/>.</summary>
    Ne,

    /// <summary>Greater than.</summary>
    Gt,

    /// <summary>Greater than or equal.</summary>
    Gte,

    /// <summary>Less than.</summary>
    Lt,

    /// <summary>Less than or equal.</summary>
    Lte,

    /// <summary>Equal to one of the values.</summary>
    In,

    /// <summary>Not <see cref="In"/>.</summary>
    Nin,

    /// <summary>The field is present (or absent).</summary>
    Exists,
}

/// <summary>An operand: a string, a number or a boolean, or (for eq and ne) an array of them, compared whole.</summary>
/// <param name="Text">The string, when it is one.</param>
/// <param name="Number">The number, when it is one.</param>
/// <param name="Boolean">The boolean, when it is one.</param>
public sealed record FilterValue(string? Text, double? Number, bool? Boolean)
{
    /// <summary>
    /// The number exactly, when it is an integer that fits a long. A double holds integers exactly only up to 2^53, so
    /// 9007199254740993 and 9007199254740992 would compare equal through <see cref="Number"/>; backends compare through this
    /// instead when it is set.
    /// </summary>
    public long? Integer { get; init; }

    /// <summary>
    /// The elements, when the operand is an array: eq matches a field holding an array of exactly these elements in this
    /// order (ne the opposite), where a scalar operand matches an array field holding it anywhere.
    /// </summary>
    public IReadOnlyList<FilterValue>? Elements { get; init; }

    /// <summary>An integer operand, compared exactly.</summary>
    public static FilterValue Of(long value) => new(null, value, null) { Integer = value };

    /// <summary>An array operand of scalar elements (see <see cref="Elements"/>).</summary>
    public static FilterValue ArrayOf(IReadOnlyList<FilterValue> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        return elements.Any(e => e.Elements is not null)
            ? throw new StrataDataException("Invalid filter: an array operand holds strings, numbers or booleans, not arrays.")
            : new(null, null, null) { Elements = elements };
    }

    /// <summary>Reads a scalar JSON value, or throws.</summary>
    public static FilterValue From(JsonNode? node, string field)
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String: return new(value.GetValue<string>(), null, null);
                case JsonValueKind.Number:
                    return long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer)
                        ? Of(integer)
                        : new(null, NumberOf(value), null);
                case JsonValueKind.True: return new(null, null, true);
                case JsonValueKind.False: return new(null, null, false);
            }
        }

        throw new StrataDataException($"Invalid filter: the value for field '{field}' must be a string, number or boolean.");
    }

    /// <summary>A JSON number as a double, whatever CLR type backs the node (a node built from an int refuses GetValue&lt;double&gt;).</summary>
    public static double NumberOf(JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
