using System.Text.Json;
using Strata.Models.Store;

namespace Strata.Cli.Output;

/// <summary>Writes <c>--json</c> results: JSON only on standard output, nothing else.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions WithNulls = new(StoreJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    public static int Write<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, StoreJson.Options));
        return 0;
    }

    /// <summary>Writes JSON that keeps null fields, for shapes whose consumers expect every key (<c>"page": null</c>).</summary>
    public static int WriteWithNulls<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, WithNulls));
        return 0;
    }
}
