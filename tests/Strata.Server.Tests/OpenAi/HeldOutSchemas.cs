using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// Schemas of the JSON-Schema-Test-Suite (draft 2020-12) for the structured-output sweep, read from a checkout the
/// environment names (STRATA_SCHEMA_SUITE: its tests/draft2020-12 folder); none of its files are kept in this repository.
/// </summary>
internal static class HeldOutSchemas
{
    /// <summary>The suite's files for the keywords the sweep covers.</summary>
    public static readonly string[] Files =
    [
        "type", "enum", "const", "properties", "required", "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "oneOf", "allOf", "additionalProperties", "defs",
        "ref", "boolean_schema", "pattern", "minProperties", "maxProperties", "uniqueItems", "not", "if-then-else",
        "dependentRequired", "propertyNames",
    ];

    /// <summary>
    /// (file:description, schema) for every schema of those files, or of every file of the folder when
    /// STRATA_SCHEMA_SUITE_ALL is 1 (the keywords the issue does not name too: format, contains, unevaluated*, $dynamicRef, remote
    /// references, …); null when STRATA_SCHEMA_SUITE is not set.
    /// </summary>
    public static List<(string Label, string Schema)>? FromEnvironment()
    {
        var folder = Environment.GetEnvironmentVariable("STRATA_SCHEMA_SUITE");
        if (string.IsNullOrEmpty(folder))
        {
            return null;
        }

        var schemas = new List<(string, string)>();
        var files = Environment.GetEnvironmentVariable("STRATA_SCHEMA_SUITE_ALL") == "1"
            ? Directory.GetFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()
            : Files;
        foreach (var file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file + ".json")));
            foreach (var group in document.RootElement.EnumerateArray())
            {
                schemas.Add(($"{file}: {group.GetProperty("description").GetString()}", group.GetProperty("schema").GetRawText()));
            }
        }

        return schemas;
    }
}
