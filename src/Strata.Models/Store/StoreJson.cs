using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Models.Store;

/// <summary>The JSON conventions of manifests and of <c>--json</c> output: camelCase, nulls left out.</summary>
public static class StoreJson
{
    /// <summary>The shared serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
