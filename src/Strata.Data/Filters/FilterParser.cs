using System.Text.Json.Nodes;

namespace Strata.Data.Filters;

/// <summary>Turns filter JSON into <see cref="MetadataFilter"/> nodes, rejecting anything it does not understand.</summary>
internal static class FilterParser
{
    // Deep nesting is never useful and would let a hostile filter exhaust the stack.
    private const int MaxDepth = 32;

    /// <summary>
    /// The most conditions and and/or/not nodes one filter may hold. SQLite parses a chain of N conditions into an
    /// expression N deep and refuses past 1,000 (3,000 conditions failed inside SQLite); a person's filter holds a few,
    /// and a long list of values for one field belongs in one 'in'.
    /// </summary>
    public const int MaxNodes = 256;

    private static readonly Dictionary<string, FilterOperator> Operators = new(StringComparer.Ordinal)
    {
        ["eq"] = FilterOperator.Eq, ["ne"] = FilterOperator.Ne, ["gt"] = FilterOperator.Gt, ["gte"] = FilterOperator.Gte,
        ["lt"] = FilterOperator.Lt, ["lte"] = FilterOperator.Lte, ["in"] = FilterOperator.In, ["nin"] = FilterOperator.Nin,
        ["exists"] = FilterOperator.Exists,
    };

    public static MetadataFilter Parse(JsonNode? node, int depth)
    {
        var nodes = 0;
        return Parse(node, depth, ref nodes);
    }

    private static MetadataFilter Parse(JsonNode? node, int depth, ref int nodes)
    {
        if (++nodes > MaxNodes)
        {
            throw new StrataDataException($"Invalid filter: more than {MaxNodes} conditions; put the values of one field in a single 'in' list.") { Param = "filter" };
        }

        if (depth > MaxDepth)
        {
            throw new StrataDataException($"Invalid filter: nested deeper than {MaxDepth} levels.");
        }

        if (node is not JsonObject obj || obj.Count == 0)
        {
            throw new StrataDataException("Invalid filter: expected a JSON object such as {\"field\":\"lang\",\"eq\":\"en\"} or {\"and\":[...]}.");
        }

        if (obj.Count == 1 && (obj.ContainsKey("and") || obj.ContainsKey("or")))
        {
            var (key, value) = obj.First();
            if (value is not JsonArray array || array.Count == 0)
            {
                throw new StrataDataException($"Invalid filter: '{key}' takes a non-empty array of filters.");
            }

            var children = new MetadataFilter[array.Count];
            for (var i = 0; i < children.Length; i++)
            {
                children[i] = Parse(array[i], depth + 1, ref nodes);
            }

            return key == "and" ? new AndFilter(children) : new OrFilter(children);
        }

        if (obj.Count == 1 && obj.ContainsKey("not"))
        {
            return new NotFilter(Parse(obj["not"], depth + 1, ref nodes));
        }

        return ParseField(obj);
    }

    private static FieldFilter ParseField(JsonObject obj)
    {
        if (obj.Count != 2 || obj["field"] is not JsonValue fieldValue || !fieldValue.TryGetValue<string>(out var field))
        {
            throw new StrataDataException("Invalid filter: a condition is {\"field\": NAME, OP: VALUE} with OP one of eq, ne, gt, gte, lt, lte, in, nin, exists.");
        }

        ValidateField(field);
        var (name, operand) = obj.First(pair => pair.Key != "field");
        if (!Operators.TryGetValue(name, out var op))
        {
            throw new StrataDataException($"Invalid filter: unknown operator '{name}' (use eq, ne, gt, gte, lt, lte, in, nin, exists, and, or, not).");
        }

        switch (op)
        {
            case FilterOperator.Exists:
                if (operand is not JsonValue flag || !flag.TryGetValue<bool>(out var exists))
                {
                    throw new StrataDataException("Invalid filter: 'exists' takes true or false.");
                }

                return new FieldFilter(field, op, [], exists);
            case FilterOperator.In or FilterOperator.Nin:
                if (operand is not JsonArray list || list.Count > 10_000)
                {
                    throw new StrataDataException($"Invalid filter: '{name}' takes an array of at most 10000 values.");
                }

                return new FieldFilter(field, op, list.Select(item => FilterValue.From(item, field)).ToArray());
            case FilterOperator.Eq or FilterOperator.Ne when operand is JsonArray elements:
                if (elements.Count > 10_000)
                {
                    throw new StrataDataException($"Invalid filter: '{name}' takes an array of at most 10000 values.");
                }

                return new FieldFilter(field, op, [FilterValue.ArrayOf([.. elements.Select(item => FilterValue.From(item, field))])]);
            default:
                var value = FilterValue.From(operand, field);
                if (value.Boolean is not null && op is not (FilterOperator.Eq or FilterOperator.Ne))
                {
                    throw new StrataDataException($"Invalid filter: '{name}' compares strings or numbers, not booleans.");
                }

                return new FieldFilter(field, op, [value]);
        }
    }

    // Field names end up inside a JSON path (bound as a parameter, never concatenated); quotes and backslashes would
    // change the path's meaning, so they are refused rather than escaped.
    private static void ValidateField(string field)
    {
        if (field.Length is 0 or > 256 || field.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            throw new StrataDataException($"Invalid filter: field name '{field}' is empty, too long or holds quotes, backslashes or control characters.");
        }
    }
}
