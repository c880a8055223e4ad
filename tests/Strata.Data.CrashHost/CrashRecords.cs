using System.Text.Json.Nodes;
using Strata.Data.Collections;

namespace Strata.Data.Tests.Support;

/// <summary>The records the crash host writes, reproducible from their number so the test can check each one exactly.</summary>
public static class CrashRecords
{
    public const int Dimension = 32;

    public static string Id(int n) => $"r{n:D7}";

    public static VectorRecord Record(int n)
    {
        var random = new Random(n);
        var vector = new float[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        return new VectorRecord(Id(n), vector, $"record number {n}", new JsonObject { ["n"] = n, ["even"] = n % 2 == 0, ["tags"] = new JsonArray("crash", $"t{n % 7}") });
    }
}
