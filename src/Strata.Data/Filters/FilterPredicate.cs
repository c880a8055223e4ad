using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Data.Filters;

/// <summary>
/// Evaluates a <see cref="MetadataFilter"/> in memory with the same meaning as its SQL translation, for callers
/// that hold records rather than rows (and as an executable specification the SQL is tested against).
/// </summary>
public static class FilterPredicate
{
    /// <summary>Whether <paramref name="metadata"/> satisfies <paramref name="filter"/> (a null filter accepts everything).</summary>
    public static bool Matches(MetadataFilter? filter, JsonObject? metadata) => filter switch
    {
        null => true,
        AndFilter and => and.Children.All(child => Matches(child, metadata)),
        OrFilter or => or.Children.Any(child => Matches(child, metadata)),
        NotFilter not => !Matches(not.Child, metadata),
        FieldFilter field => MatchesField(field, metadata),
        _ => throw new StrataDataException($"Unsupported filter node {filter.GetType().Name}."),
    };

    private static bool MatchesField(FieldFilter field, JsonObject? metadata)
    {
        var present = metadata is not null && metadata.TryGetPropertyValue(field.Field, out _);
        var node = present ? metadata![field.Field] : null;
        var elements = node is JsonArray array ? array.ToArray() : present ? [node] : [];
        return field.Operator switch
        {
            FilterOperator.Exists => present == field.Exists,
            FilterOperator.Eq or FilterOperator.In => field.Values.Any(v => Equal(node, elements, v)),
            FilterOperator.Ne or FilterOperator.Nin => !field.Values.Any(v => Equal(node, elements, v)),
            FilterOperator.Gt => elements.Any(e => Compare(e, field.Values[0]) > 0),
            FilterOperator.Gte => elements.Any(e => Compare(e, field.Values[0]) >= 0),
            FilterOperator.Lt => elements.Any(e => Compare(e, field.Values[0]) is < 0 and not int.MinValue),
            _ => elements.Any(e => Compare(e, field.Values[0]) is <= 0 and not int.MinValue),
        };
    }

    // A scalar operand equals the field or any element of an array field; an array operand equals an array field whole.
    private static bool Equal(JsonNode? node, JsonNode?[] elements, FilterValue value) => value.Elements is { } expected
        ? node is JsonArray array && array.Count == expected.Count && expected.Select((e, i) => Compare(array[i], e) == 0).All(same => same)
        : elements.Any(e => Compare(e, value) == 0);

    // int.MinValue means "not comparable" (different types), which never satisfies any comparison.
    private static int Compare(JsonNode? element, FilterValue value)
    {
        if (element is not JsonValue scalar)
        {
            return int.MinValue;
        }

        switch (scalar.GetValueKind())
        {
            case JsonValueKind.String when value.Text is not null:
                return Math.Sign(CodePointComparer.Instance.Compare(scalar.GetValue<string>(), value.Text));
            case JsonValueKind.Number when value.Integer is { } integer && long.TryParse(scalar.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var stored):
                return stored.CompareTo(integer);
            case JsonValueKind.Number when value.Number is not null:
                return FilterValue.NumberOf(scalar).CompareTo(value.Number.Value);
            case JsonValueKind.True when value.Boolean is not null:
                return value.Boolean.Value ? 0 : int.MinValue;
            case JsonValueKind.False when value.Boolean is not null:
                return value.Boolean.Value ? int.MinValue : 0;
            default:
                return int.MinValue;
        }
    }
}
