using System.Globalization;
using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;

namespace Strata.Data.Tests.Embedded;

/// <summary>
/// The payload index answers every filter it takes with exactly the nodes SQLite's evaluation of the filter passes:
/// random filters over random metadata (integers past 2^53, integral and fractional doubles, strings ordered by code point,
/// booleans, arrays, empty metadata, missing fields), after updates, deletes, another handle's writes, a compaction and a
/// reopen from the index file.
/// </summary>
public sealed class PayloadIndexTests : IDisposable
{
    private const int Dimension = 8;
    private const int Records = 400;
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    // JSON text, parsed as written, so "1.0", "1e2" and "9007199254740993" reach SQLite with their own spelling.
    private static readonly string[] Scalars =
    [
        "0", "1", "-1", "1.0", "1.5", "-0.5", "2", "1e2", "100", "9007199254740992", "9007199254740993", "9007199254740992.0",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616", "1e300", "-0",
        "\"a\"", "\"b\"", "\"ab\"", "\"A\"", "\"\"", "\"1\"", "\"é\"", "\"\uFFFD\"", "\"\uE000\"", "\"😀\"", "\"😀a\"", "\"true\"",
        "true", "false",
    ];

    private static readonly string[] Fields = ["a", "b", "c", "tags", "n.dot"];

    private static float[] Vector(Random random) => [.. Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble() - 0.5f)];

    // Metadata holds scalars and arrays of them (the store refuses nulls and objects); arrays may be empty.
    private static JsonNode? Value(Random random) => random.Next(4) == 0
        ? JsonNode.Parse("[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Scalars[random.Next(Scalars.Length)])) + "]")
        : JsonNode.Parse(Scalars[random.Next(Scalars.Length)]);

    private static JsonObject? Metadata(Random random)
    {
        if (random.Next(20) == 0)
        {
            return null;
        }

        var metadata = new JsonObject();
        foreach (var field in Fields)
        {
            if (random.Next(3) > 0)
            {
                metadata[field] = Value(random);
            }
        }

        return metadata;
    }

    private static FilterValue Operand(Random random, bool allowBoolean)
    {
        while (true)
        {
            var text = Scalars[random.Next(Scalars.Length)];
            if (!allowBoolean && text is "true" or "false")
            {
                continue;
            }

            // Operands as the parser makes them: integers exactly, 9007199254740992.0 as a double only.
            return FilterValue.From(JsonNode.Parse(text), "field");
        }
    }

    private static MetadataFilter Filter(Random random, int depth)
    {
        if (depth < 3 && random.Next(3) == 0)
        {
            var children = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Filter(random, depth + 1)).ToArray();
            return random.Next(3) switch
            {
                0 => new AndFilter(children),
                1 => new OrFilter(children),
                _ => new NotFilter(children[0]),
            };
        }

        var field = Fields[random.Next(Fields.Length)];
        var op = (FilterOperator)random.Next(9);
        return op switch
        {
            FilterOperator.Exists => new FieldFilter(field, op, [], random.Next(2) == 0),
            FilterOperator.In or FilterOperator.Nin => new FieldFilter(field, op, [.. Enumerable.Range(0, random.Next(4)).Select(_ => Operand(random, true))]),
            FilterOperator.Eq or FilterOperator.Ne => new FieldFilter(field, op, [Operand(random, true)]),
            _ => new FieldFilter(field, op, [Operand(random, false)]),
        };
    }

    /// <summary>Random filters through both paths; every one the index takes must give SQLite's set, and it must take them all.</summary>
    private static void ExpectSameAsSql(EmbeddedCollection collection, int seed)
    {
        var random = new Random(seed);
        var nonEmpty = 0;
        for (var i = 0; i < 300; i++)
        {
            var filter = Filter(random, 0);
            var (indexed, sql) = collection.PassingNodesForTests(filter);
            Assert.NotNull(indexed);
            var expected = sql.Nodes().ToList();
            Assert.True(expected.SequenceEqual(indexed.Nodes()), $"filter {filter}: SQLite passes {expected.Count} nodes, the index {indexed.Count}");
            Assert.Equal(expected.Count, indexed.Count);
            nonEmpty += expected.Count > 0 && expected.Count < collection.IndexForTests.Count ? 1 : 0;
        }

        // Most filters select some records and not all: a comparison of empty or full sets would prove little.
        Assert.True(nonEmpty > 100, $"only {nonEmpty} of 300 filters selected part of the records");
    }

    [Fact]
    public async Task Random_filters_pass_exactly_the_nodes_SQLite_passes_through_updates_deletes_compaction_and_reopen()
    {
        var random = new Random(16);
        var database = new EmbeddedVectorDatabase(directory.Path);
        var collection = await database.CreateAsync(new CollectionSpec("payload", Dimension));
        try
        {
            await collection.UpsertAsync([.. Enumerable.Range(0, Records).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
            ExpectSameAsSql(collection, 1);

            // Updates move records between values (new nodes, the old ones tombstoned); deletes leave tombstones.
            await collection.UpsertAsync([.. Enumerable.Range(0, Records).Where(i => i % 3 == 0).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
            await collection.DeleteAsync([.. Enumerable.Range(0, Records).Where(i => i % 5 == 1).Select(i => $"r{i}")]);
            ExpectSameAsSql(collection, 2);

            // Another handle's writes reach this one through its catch-up.
            using (var other = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("payload"))
            {
                await other.UpsertAsync([.. Enumerable.Range(0, Records).Where(i => i % 4 == 2).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
                await other.DeleteAsync([.. Enumerable.Range(0, Records).Where(i => i % 7 == 3).Select(i => $"r{i}")]);
            }

            ExpectSameAsSql(collection, 3);

            // Enough replaced nodes to compact: the nodes are renumbered and the payload index remapped.
            await collection.UpsertAsync([.. Enumerable.Range(0, Records).Where(i => i % 5 != 1).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
            collection.WaitForCompaction();
            Assert.Equal(0, collection.IndexForTests.TombstoneCount);
            ExpectSameAsSql(collection, 4);
            await collection.DeleteAsync([.. Enumerable.Range(0, Records).Where(i => i % 11 == 4).Select(i => $"r{i}")]);
            ExpectSameAsSql(collection, 5);

            // Reopened: the graph comes from its file and the payload index from SQLite, then changes made while closed.
            collection.Dispose();
            collection = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("payload");
            ExpectSameAsSql(collection, 6);
        }
        finally
        {
            collection.Dispose();
        }
    }

    [Fact]
    public async Task A_graph_file_older_than_the_database_is_loaded_with_the_metadata_of_its_own_state_then_caught_up()
    {
        var random = new Random(17);
        using (var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("stale", Dimension)))
        {
            await collection.UpsertAsync([.. Enumerable.Range(0, Records).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
            collection.SaveIndex();
        }

        // Changed through a handle that never writes its graph file back: the saved graph trails the database.
        var indexPath = Path.Combine(directory.Path, "stale.hnsw");
        var saved = await File.ReadAllBytesAsync(indexPath);
        using (var other = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("stale"))
        {
            await other.UpsertAsync([.. Enumerable.Range(0, Records).Where(i => i % 9 == 1).Select(i => new VectorRecord($"r{i}", Vector(random), null, Metadata(random)))]);
            await other.DeleteAsync([.. Enumerable.Range(0, Records).Where(i => i % 10 == 0).Select(i => $"r{i}")]);
        }

        await File.WriteAllBytesAsync(indexPath, saved);
        using var reopened = await new EmbeddedVectorDatabase(directory.Path).OpenAsync("stale");
        Assert.True(reopened.IndexForTests.TombstoneCount > 0, "the graph was expected to be caught up from its older file");
        ExpectSameAsSql(reopened, 7);
    }

    [Fact]
    public async Task An_array_operand_compared_whole_is_left_to_SQLite()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("arrays", Dimension));
        var random = new Random(18);
        await collection.UpsertAsync([.. Enumerable.Range(0, 20).Select(i => new VectorRecord($"r{i}", Vector(random), null,
            new JsonObject { ["tags"] = new JsonArray("x", i.ToString(CultureInfo.InvariantCulture)) }))]);
        var filter = MetadataFilter.Parse("""{"field":"tags","eq":["x","3"]}""");
        var (indexed, sql) = collection.PassingNodesForTests(filter);
        Assert.Null(indexed);
        Assert.Equal(1, sql.Count);
        var hits = await collection.SearchAsync(Vector(random), new Strata.Data.Search.SearchOptions { K = 5, Filter = filter });
        Assert.Equal(["r3"], hits.Select(h => h.Id));
    }
}
