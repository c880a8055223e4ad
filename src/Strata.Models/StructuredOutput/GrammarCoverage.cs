using System.Text.Json;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// Whether the llama.cpp grammar made from a schema (<c>JsonSchemaToGbnf</c>) enforces all of it. Then an answer can
/// be streamed as it is generated; otherwise it is held back until it has been validated, because text already sent
/// cannot be taken back when it turns out invalid.
/// </summary>
internal static class GrammarCoverage
{
    // What the converter turns into grammar rules, plus keywords that never constrain a value (annotations, and
    // "format", which draft 2020-12 treats as an annotation). additionalProperties is enforced as false, which is
    // at least as strict as any value the schema gives it. Anything else (pattern, minimum, allOf, not, ...) is not.
    private static readonly HashSet<string> Enforced = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "items", "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf",
        "$ref", "$defs", "definitions", "additionalProperties", "title", "description", "$schema", "$id", "$comment",
        "default", "examples", "format", "deprecated", "readOnly", "writeOnly",
    };

    private static readonly HashSet<string> SubschemaMaps = new(StringComparer.Ordinal) { "properties", "$defs", "definitions" };

    /// <summary>True when every keyword in <paramref name="schema"/>, at any depth, is enforced by the grammar.</summary>
    public static bool IsFullyEnforced(JsonElement schema) => schema.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.Undefined => true,
        JsonValueKind.Object => schema.EnumerateObject().All(keyword => Enforced.Contains(keyword.Name) && SubschemasEnforced(keyword)),
        _ => false,
    };

    private static bool SubschemasEnforced(JsonProperty keyword) => keyword.Name switch
    {
        _ when SubschemaMaps.Contains(keyword.Name) => keyword.Value.ValueKind != JsonValueKind.Object
            || keyword.Value.EnumerateObject().All(property => IsFullyEnforced(property.Value)),
        "items" => keyword.Value.ValueKind is JsonValueKind.False || IsFullyEnforced(keyword.Value),
        "anyOf" => keyword.Value.ValueKind == JsonValueKind.Array && keyword.Value.EnumerateArray().All(IsFullyEnforced),
        _ => true,
    };
}
