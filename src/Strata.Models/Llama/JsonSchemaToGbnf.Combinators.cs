using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Models.Llama;

// allOf, a $ref with sibling keywords, and if/then, merged into one schema before it is converted: types intersect,
// properties and required lists join, bounds take the tighter value, enums intersect. What cannot be merged keeps the
// first schema's value and marks the grammar inexact, so the finished answer is still validated.
public sealed partial class JsonSchemaToGbnf
{
    private const int MaxMergeDepth = 16;

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "$schema", "$id", "$comment", "default", "examples", "format", "deprecated", "readOnly",
        "writeOnly", "$anchor", "$defs", "definitions",
    };

    private static readonly HashSet<string> LowerBounds = new(StringComparer.Ordinal) { "minItems", "minLength", "minProperties", "minimum", "exclusiveMinimum" };

    private static readonly HashSet<string> UpperBounds = new(StringComparer.Ordinal) { "maxItems", "maxLength", "maxProperties", "maximum", "exclusiveMaximum" };

    private static readonly string[] NumberTypes = ["integer", "number"];

    private static readonly string[] AllTypes = ["object", "array", "string", "number", "integer", "boolean", "null"];

    // True when the schema needs merging before it is converted.
    private static bool NeedsMerge(JsonElement schema) =>
        schema.TryGetProperty("allOf", out _) || schema.TryGetProperty("if", out _)
        || (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String && schema.EnumerateObject().Any(keyword => keyword.Name != "$ref" && !Annotations.Contains(keyword.Name)));

    // The schema with allOf, $ref-with-siblings and if/then folded into its own keywords.
    private JsonElement Flatten(JsonElement schema, int depth)
    {
        if (depth > MaxMergeDepth)
        {
            throw new NotSupportedException("allOf and $ref nest too deeply (or refer to themselves) to be merged");
        }

        var rest = JsonObject.Create(schema)!;
        var parts = new List<JsonElement>();
        if (rest["$ref"] is JsonValue reference && reference.GetValueKind() == JsonValueKind.String && rest.Any(keyword => keyword.Key != "$ref" && !Annotations.Contains(keyword.Key)))
        {
            rest.Remove("$ref");
            if (TryResolve(reference.GetValue<string>()) is { } target)
            {
                parts.Add(target);
            }
        }

        if (rest["allOf"] is JsonArray all)
        {
            rest.Remove("allOf");
            parts.AddRange(all.Select(sub => JsonSerializer.SerializeToElement(sub)));
        }

        if (rest["if"] is { } condition)
        {
            // A value that satisfies both "if" and "then" satisfies the conditional, so the grammar asks for both; the
            // "else" branch would need the negation of "if", which has no grammar form unless "if" is a boolean.
            var branch = condition.GetValueKind() switch
            {
                JsonValueKind.False => rest["else"],
                JsonValueKind.True => rest["then"],
                _ when rest["then"] is { } then && then.GetValueKind() != JsonValueKind.False => then,
                _ => null,
            };
            if (condition.GetValueKind() == JsonValueKind.Object && branch is not null)
            {
                parts.Add(JsonSerializer.SerializeToElement(condition));
            }

            if (branch is not null)
            {
                parts.Add(JsonSerializer.SerializeToElement(branch));
            }
            else if (condition.GetValueKind() == JsonValueKind.Object && (rest["then"] is not null || rest["else"] is not null))
            {
                _exact = false;
            }

            rest.Remove("if");
            rest.Remove("then");
            rest.Remove("else");
        }

        var merged = rest;
        foreach (var part in parts)
        {
            if (part.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            if (part.ValueKind != JsonValueKind.Object)
            {
                throw new NotSupportedException("allOf holds the schema 'false', so no value can match");
            }

            var flat = NeedsMerge(part) ? Flatten(part, depth + 1) : part;
            merged = Merge(merged, JsonObject.Create(flat)!);
        }

        return JsonSerializer.SerializeToElement(merged);
    }

    private JsonObject Merge(JsonObject first, JsonObject second)
    {
        var merged = JsonNode.Parse(first.ToJsonString())!.AsObject();
        foreach (var (key, value) in second)
        {
            if (value is null || Annotations.Contains(key) && merged.ContainsKey(key))
            {
                continue;
            }

            if (!merged.TryGetPropertyValue(key, out var existing) || existing is null)
            {
                merged[key] = value.DeepClone();
                continue;
            }

            merged[key] = key switch
            {
                "type" => IntersectTypes(existing, value),
                "properties" => MergeProperties(existing.AsObject(), value.AsObject()),
                "required" => new JsonArray(existing.AsArray().Concat(value.AsArray()).Select(name => name!.GetValue<string>()).Distinct(StringComparer.Ordinal)
                    .Select(name => (JsonNode)name).ToArray()),
                "items" or "additionalProperties" or "propertyNames" => BothOf(existing, value),
                "enum" => IntersectEnums(existing.AsArray(), value.AsArray()),
                "uniqueItems" => existing.GetValueKind() == JsonValueKind.True || value.GetValueKind() == JsonValueKind.True,
                "dependentRequired" => MergeDependencies(existing.AsObject(), value.AsObject()),
                _ when LowerBounds.Contains(key) && IsNumber(existing) && IsNumber(value) => Math.Max(existing.GetValue<decimal>(), value.GetValue<decimal>()),
                _ when UpperBounds.Contains(key) && IsNumber(existing) && IsNumber(value) => Math.Min(existing.GetValue<decimal>(), value.GetValue<decimal>()),
                _ when JsonNode.DeepEquals(existing, value) => existing.DeepClone(),
                "const" => throw new NotSupportedException("allOf asks for two different constants, so no value can match"),
                _ => Unmerged(existing),
            };
        }

        RestrictToDeclared(merged, first);
        RestrictToDeclared(merged, second);
        return merged;
    }

    private JsonNode Unmerged(JsonNode kept)
    {
        _exact = false;
        return kept.DeepClone();
    }

    // A part's additionalProperties applies to the properties only other parts declare: false forbids them, a schema
    // constrains them too ("additionalProperties does not look into applicators").
    private static void RestrictToDeclared(JsonObject merged, JsonObject part)
    {
        var additional = part["additionalProperties"];
        if (additional is null || additional.GetValueKind() == JsonValueKind.True || part.ContainsKey("patternProperties"))
        {
            return;
        }

        var declared = part["properties"] as JsonObject;
        var forbidden = additional.GetValueKind() == JsonValueKind.False;
        if (merged["properties"] is JsonObject properties)
        {
            foreach (var name in properties.Select(property => property.Key).Where(name => declared?.ContainsKey(name) != true).ToList())
            {
                if (forbidden)
                {
                    properties.Remove(name);
                }
                else
                {
                    properties[name] = BothOf(properties[name] ?? true, additional);
                }
            }
        }

        if (forbidden && merged["required"] is JsonArray required && required.Select(n => n!.GetValue<string>()).FirstOrDefault(n => declared?.ContainsKey(n) != true) is { } missing)
        {
            throw new NotSupportedException($"'{missing}' is required, but another part of allOf forbids any property it does not declare");
        }
    }

    private static JsonNode IntersectTypes(JsonNode first, JsonNode second)
    {
        var left = TypeSet(first);
        var right = TypeSet(second);
        var common = left.Where(type => right.Contains(type) || (type == "integer" && right.Contains("number"))).ToList();
        if (right.Contains("integer") && left.Contains("number") && !common.Contains("integer"))
        {
            common.Add("integer");
        }

        return common.Count switch
        {
            0 => throw new NotSupportedException($"allOf asks for types {first.ToJsonString()} and {second.ToJsonString()}, which have nothing in common"),
            1 => common[0],
            _ => new JsonArray(common.Select(type => (JsonNode)type).ToArray()),
        };

        static List<string> TypeSet(JsonNode type) => type is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
    }

    private static JsonObject MergeProperties(JsonObject first, JsonObject second)
    {
        var merged = JsonNode.Parse(first.ToJsonString())!.AsObject();
        foreach (var (name, schema) in second)
        {
            merged[name] = merged.TryGetPropertyValue(name, out var existing) && existing is not null ? BothOf(existing, schema!) : schema?.DeepClone();
        }

        return merged;
    }

    // A schema both must satisfy: true is neutral, false wins.
    private static JsonNode BothOf(JsonNode first, JsonNode second) => (first.GetValueKind(), second.GetValueKind()) switch
    {
        (JsonValueKind.False, _) or (_, JsonValueKind.False) => false,
        (JsonValueKind.True, _) => second.DeepClone(),
        (_, JsonValueKind.True) => first.DeepClone(),
        _ when JsonNode.DeepEquals(first, second) => first.DeepClone(),
        _ => new JsonObject { ["allOf"] = new JsonArray(first.DeepClone(), second.DeepClone()) },
    };

    private static JsonArray IntersectEnums(JsonArray first, JsonArray second)
    {
        var common = first.Where(value => second.Any(other => JsonNode.DeepEquals(value, other))).Select(value => value?.DeepClone()).ToArray();
        return common.Length > 0 ? new JsonArray(common) : throw new NotSupportedException("allOf's enums have no value in common");
    }

    private static JsonObject MergeDependencies(JsonObject first, JsonObject second)
    {
        var merged = JsonNode.Parse(first.ToJsonString())!.AsObject();
        foreach (var (name, list) in second)
        {
            merged[name] = merged[name] is JsonArray existing && list is JsonArray more
                ? new JsonArray(existing.Concat(more).Select(n => n!.GetValue<string>()).Distinct(StringComparer.Ordinal).Select(n => (JsonNode)n).ToArray())
                : list?.DeepClone();
        }

        return merged;
    }

    private static bool IsNumber(JsonNode node) => node.GetValueKind() == JsonValueKind.Number;

    // {"not": {"type": ...}} as the list of types that remain; other forms of "not" have no grammar and are validated.
    private JsonElement? WithoutNot(JsonElement schema)
    {
        if (!schema.TryGetProperty("not", out var negated))
        {
            return null;
        }

        var rest = JsonObject.Create(schema)!;
        rest.Remove("not");
        if (negated.ValueKind != JsonValueKind.Object || negated.EnumerateObject().Any(keyword => keyword.Name != "type" && !Annotations.Contains(keyword.Name))
            || !negated.TryGetProperty("type", out var excludedTypes))
        {
            _exact = false;
            return JsonSerializer.SerializeToElement(rest);
        }

        var excluded = excludedTypes.ValueKind == JsonValueKind.Array ? excludedTypes.EnumerateArray().Select(TypeName).ToHashSet() : [TypeName(excludedTypes)];
        // Every number could be an integer, so excluding integers excludes numbers too (stricter, never looser).
        if (excluded.Overlaps(NumberTypes))
        {
            excluded.UnionWith(NumberTypes);
        }

        var allowed = (schema.TryGetProperty("type", out var type)
                ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(TypeName).ToList() : [TypeName(type)]
                : AllTypes.ToList())
            .Where(t => !excluded.Contains(t)).ToList();
        if (allowed.Count == 0)
        {
            throw new NotSupportedException("'not' excludes every type the schema allows, so no value can match");
        }

        rest["type"] = new JsonArray(allowed.Select(t => (JsonNode)t).ToArray());
        return JsonSerializer.SerializeToElement(rest);
    }
}
