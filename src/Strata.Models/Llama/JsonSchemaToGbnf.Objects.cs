using System.Text.Json;
using Strata.Models.StructuredOutput;

namespace Strata.Models.Llama;

// Object keywords beyond properties and required (dependentRequired, min/maxProperties, propertyNames, free objects'
// additionalProperties), enum/const checked against their sibling keywords, and the record of whether the grammar
// enforces everything.
public sealed partial class JsonSchemaToGbnf
{
    // Keywords the converter turns into grammar (or enforces more strictly, such as additionalProperties as false).
    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength", "enum",
        "const", "anyOf", "oneOf", "$ref", "additionalProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "pattern", "dependentRequired", "minProperties", "maxProperties", "propertyNames", "uniqueItems", "allOf", "not",
        "if", "then", "else",
    };

    private static readonly (string Keyword, string Type)[] ImpliedTypes =
    [
        ("minLength", "string"), ("maxLength", "string"), ("pattern", "string"),
        ("minimum", "number"), ("maximum", "number"), ("exclusiveMinimum", "number"), ("exclusiveMaximum", "number"),
        ("minItems", "array"), ("maxItems", "array"), ("uniqueItems", "array"),
        ("minProperties", "object"), ("maxProperties", "object"), ("dependentRequired", "object"), ("propertyNames", "object"),
        ("additionalProperties", "object"),
    ];

    // False once any part of the schema is left to validation (a keyword without grammar form, a pattern outside the
    // safe subset, oneOf, ...); true means every answer the grammar allows validates.
    private bool _exact = true;

    /// <summary>
    /// Whether the grammar made from <paramref name="schema"/> enforces all of it: every value it allows validates.
    /// False also when the schema cannot be converted at all.
    /// </summary>
    public static bool EnforcesAll(JsonElement schema, JsonGrammarLimits? limits = null)
    {
        try
        {
            var converter = new JsonSchemaToGbnf(schema, limits ?? new JsonGrammarLimits());
            converter.Visit(schema, "root-value", depth: 0);
            return converter._exact;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    // The keywords beside anyOf/oneOf that every option must also meet; null when there are none.
    private static JsonElement? Siblings(JsonElement schema, string combinator)
    {
        var siblings = schema.EnumerateObject()
            .Where(keyword => keyword.Name != combinator && keyword.Name is not ("anyOf" or "oneOf") && !Annotations.Contains(keyword.Name))
            .ToDictionary(keyword => keyword.Name, keyword => keyword.Value);
        return siblings.Count == 0 ? null : JsonSerializer.SerializeToElement(siblings);
    }

    // Whether a constant the grammar would write meets the whole schema it stands in (its type, bounds, ...).
    private bool AllowedBySiblings(JsonElement schema, JsonElement value)
    {
        if (schema.EnumerateObject().All(keyword => keyword.Name is "enum" or "const" || Annotations.Contains(keyword.Name)))
        {
            return true;
        }

        return Satisfies(schema, value);
    }

    // Evaluates a subschema on its own; one that refers elsewhere in the document cannot be, and is left to validation.
    private bool Satisfies(JsonElement schema, JsonElement value)
    {
        if (schema.GetRawText().Contains("\"$ref\"", StringComparison.Ordinal))
        {
            _exact = false;
            return true;
        }

        try
        {
            return CompiledSchema.For(schema, "a subschema").Problems(value).Count == 0;
        }
        catch (NotSupportedException)
        {
            _exact = false;
            return true;
        }
    }

    // dependentRequired: the grammar makes the dependents of every property it may write required.
    private static void RequireDependents(JsonElement schema, HashSet<string> required)
    {
        if (!schema.TryGetProperty("dependentRequired", out var dependencies) || dependencies.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var dependency in dependencies.EnumerateObject().Where(d => d.Value.ValueKind == JsonValueKind.Array))
        {
            foreach (var name in dependency.Value.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String))
            {
                required.Add(name.GetString()!);
            }
        }
    }

    private bool NameAllowed(JsonElement schema, string name, bool required)
    {
        if (!schema.TryGetProperty("propertyNames", out var names))
        {
            return true;
        }

        var allowed = Satisfies(names, JsonSerializer.SerializeToElement(name));
        if (!allowed && required)
        {
            // A required name propertyNames refuses: no object can match; the grammar still writes it and validation says so.
            _exact = false;
            return true;
        }

        return allowed;
    }

    // minProperties makes optional properties required, in their declared order; maxProperties drops optional ones.
    private void CountProperties(JsonElement schema, ref int requiredCount, HashSet<string> required,
        List<(string Name, JsonElement Schema)> optional)
    {
        var (min, max) = (Count("minProperties"), Count("maxProperties"));
        if (min is { } fewest)
        {
            while (requiredCount < fewest && optional.Count > 0)
            {
                required.Add(optional[0].Name);
                optional.RemoveAt(0);
                requiredCount++;
            }

            _exact &= requiredCount >= fewest;
        }

        if (max is { } most)
        {
            if (requiredCount > most)
            {
                _exact = false;
            }
            else if (optional.Count > most - requiredCount)
            {
                optional.RemoveRange(most - requiredCount, optional.Count - (most - requiredCount));
            }
        }

        int? Count(string keyword) =>
            schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var count) && count >= 0
                ? (int)Math.Min(Math.Floor(count), int.MaxValue)
                : null;
    }

    // An object without declared properties: pairs whose names follow propertyNames (its lengths and pattern) and whose
    // values follow additionalProperties, between minProperties and maxProperties of them. Keys may repeat, which a
    // validator reads as fewer properties.
    private string FreeObject(JsonElement schema, string name, int depth)
    {
        var additional = schema.TryGetProperty("additionalProperties", out var extra) ? extra : default;
        var names = schema.TryGetProperty("propertyNames", out var nameSchema) ? nameSchema : default;
        var counted = schema.TryGetProperty("minProperties", out _) || schema.TryGetProperty("maxProperties", out _);
        if (additional.ValueKind is JsonValueKind.Undefined or JsonValueKind.True && names.ValueKind is JsonValueKind.Undefined or JsonValueKind.True && !counted)
        {
            return FreeObject(depth);
        }

        if (additional.ValueKind == JsonValueKind.False || names.ValueKind == JsonValueKind.False)
        {
            return Define(name, "\"{\" space \"}\" space");
        }

        var (min, max) = Bounds(schema, "minProperties", "maxProperties", _limits.MaxObjectProperties);
        // Repeated keys count once: maxProperties holds whatever the grammar writes, minProperties only up to one.
        _exact &= min <= 1;
        var key = names.ValueKind == JsonValueKind.Object ? Visit(WithType(names, "string"), $"{name}-key", depth + 1) : String(0, _limits.MaxStringLength);
        var value = additional.ValueKind == JsonValueKind.Object ? Visit(additional, $"{name}-value", depth + 1) : AnyValue(depth + 1);
        var pair = Define($"{name}-pair", $"{key} \":\" space {value}");
        return Define(name, $"\"{{\" space {Sequence(pair, min, max, name)} \"}}\" space");
    }

    private static JsonElement WithType(JsonElement schema, string type)
    {
        var copy = System.Text.Json.Nodes.JsonObject.Create(schema)!;
        copy["type"] ??= type;
        return JsonSerializer.SerializeToElement(copy);
    }
}
