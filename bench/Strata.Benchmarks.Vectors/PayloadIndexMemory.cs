using System.Text.Json.Nodes;
using Strata.Data.Embedded;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// What the embedded store's in-memory payload index costs per record, for a few metadata shapes: managed heap after
/// filing <c>count</c> records' metadata, less the heap before, over the count.
/// </summary>
internal static class PayloadIndexMemory
{
    public static void Measure(int count, Action<string> log)
    {
        var shapes = new (string Name, Func<int, JsonObject> Metadata)[]
        {
            ("one integer field, 1,000 values (the benchmark's bucket)", i => new() { ["bucket"] = i % 1000 }),
            ("integer + string of 10 values + array of 3 tags of 50", i => new()
            {
                ["bucket"] = i % 1000, ["lang"] = $"l{i % 10}", ["tags"] = new JsonArray($"t{i % 50}", $"t{(i + 7) % 50}", $"t{(i + 19) % 50}"),
            }),
            ("one string unique per record (an id)", i => new() { ["doc"] = $"document-{i:D8}" }),
        };
        foreach (var (name, metadata) in shapes)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var index = Build(count, metadata);
            // What the index keeps of the parsed metadata (a distinct value's string) counts; the rest is collected.
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(index);
            log($"vectors: payload index memory, {name}: {(after - before) / (double)count:0} bytes per record");
        }
    }

    private static PayloadIndex Build(int count, Func<int, JsonObject> metadata)
    {
        var index = new PayloadIndex();
        for (var node = 0; node < count; node++)
        {
            index.Add(node, PayloadValues.Parse(metadata(node).ToJsonString()));
        }

        return index;
    }
}
