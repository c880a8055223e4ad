using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data;
using Strata.Data.Filters;

namespace Strata.Cli.Commands;

/// <summary>What the data commands share: where collections live, parsing vectors and filters, printing records.</summary>
internal static class DataCommandSupport
{
    /// <summary>The database <c>Data:Provider</c> selects (embedded under STRATA_HOME by default, or PostgreSQL).</summary>
    public static IVectorDatabase Database(CliContext context) => context.Get<IVectorDatabase>();

    public static MetadataFilter? Filter(string? json) => json is null ? null : MetadataFilter.Parse(json);

    public static float[] Vector(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<float[]>(json) ?? throw new FormatException("--vector is null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"--vector must be a JSON array of numbers: {e.Message}", e);
        }
    }

    public static object Describe(VectorRecord record, bool includeVector) => new
    {
        id = record.Id,
        document = record.Document,
        metadata = record.Metadata ?? new JsonObject(),
        vector = includeVector ? record.Vector : null,
    };
}
