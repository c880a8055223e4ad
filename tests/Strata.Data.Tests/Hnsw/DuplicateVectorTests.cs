using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Hnsw;

/// <summary>
/// Records deleted and re-inserted with one and the same vector, as a test suite or a re-ingest does: every live record
/// stays reachable, though its tombstones (identical vectors, equal distances) crowd the neighbour lists.
/// </summary>
public sealed class DuplicateVectorTests : IDisposable
{
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Records_reinserted_with_the_same_vector_are_all_found()
    {
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("same", 3));
        for (var round = 0; round < 60; round++)
        {
            await collection.DeleteAsync(["1", "2", "3"]);
            var count = round % 3 == 0 ? 2 : 3;
            await collection.UpsertAsync([.. Enumerable.Range(1, count).Select(i => new VectorRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), [1, 2, 3], null, new JsonObject { ["i"] = i }))]);

            // Before live nodes won ties, rounds 12, 37 and 62 found one record fewer than they held.
            Assert.Equal(count, (await collection.SearchAsync([1, 2, 3], new SearchOptions { K = count })).Count);
            Assert.Single(await collection.SearchAsync([1, 2, 3], new SearchOptions { K = 1, Filter = new FieldFilter("i", FilterOperator.Eq, [FilterValue.Of(1)]) }));
        }
    }
}
