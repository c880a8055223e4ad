using System.Text.Json;

namespace Strata.Models.Tests.Llama;

/// <summary>Checks a JSON value against the JSON Schema subset the grammar converter supports; returns the problems found.</summary>
internal static class SchemaValidator
{
    public static List<string> Validate(JsonElement value, JsonElement schema, string path = "$")
    {
        var problems = new List<string>();
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(value, constant))
        {
            problems.Add($"{path}: expected const {constant}");
        }

        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(option => JsonElement.DeepEquals(value, option)))
        {
            problems.Add($"{path}: {value} is not in the enum");
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.EnumerateArray().All(option => Validate(value, option, path).Count > 0))
        {
            problems.Add($"{path}: matches no anyOf branch");
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return problems;
        }

        var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        if (!types.Any(t => HasType(value, t)))
        {
            problems.Add($"{path}: {value.ValueKind} is not {string.Join("|", types)}");
            return problems;
        }

        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("maxLength", out var maxLength) && value.GetString()!.Length > maxLength.GetInt32())
        {
            problems.Add($"{path}: longer than {maxLength}");
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("maxItems", out var maxItems) && value.GetArrayLength() > maxItems.GetInt32())
            {
                problems.Add($"{path}: more than {maxItems} items");
            }

            if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                problems.Add($"{path}: fewer than {minItems} items");
            }

            if (schema.TryGetProperty("items", out var items))
            {
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    problems.AddRange(Validate(item, items, $"{path}[{i++}]"));
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            if (schema.TryGetProperty("required", out var required))
            {
                problems.AddRange(required.EnumerateArray().Where(name => !value.TryGetProperty(name.GetString()!, out _)).Select(name => $"{path}: missing {name}"));
            }

            foreach (var property in value.EnumerateObject())
            {
                problems.AddRange(properties.TryGetProperty(property.Name, out var propertySchema)
                    ? Validate(property.Value, propertySchema, $"{path}.{property.Name}")
                    : [$"{path}: unexpected property {property.Name}"]);
            }
        }

        return problems;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number),
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
