using System.Text.Json;
using Strata.Models.Store;

namespace Strata.Cli.Output;

/// <summary>Writes <c>--json</c> results: JSON only on standard output, nothing else.</summary>
internal static class JsonOutput
{
    public static int Write<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, StoreJson.Options));
        return 0;
    }
}
