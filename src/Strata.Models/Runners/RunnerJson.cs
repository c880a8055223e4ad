using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// The JSON the runner channel carries M.E.AI types in: their own System.Text.Json contracts (content types keep their
/// <c>$type</c> discriminators), so what crosses is exactly what an in-process client would have seen.
/// </summary>
internal static class RunnerJson
{
    public static readonly JsonSerializerOptions Options = new(AIJsonUtilities.DefaultOptions);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"the runner channel carried null for a {typeof(T).Name}");
}
