using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;

namespace Strata.Data.Tests.Embedded;

public sealed class PersistenceTests : IDisposable
{
    private const int Dimension = 16;
    private readonly TemporaryFolder directory = new();

    private EmbeddedVectorDatabase Database => new(directory.Path);

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task The_index_is_saved_on_close_and_loaded_on_reopen()
    {
        var vectors = SyntheticVectors.LowRank(300, Dimension, rank: 4);
        using (var collection = await Database.CreateAsync(new CollectionSpec("saved", Dimension)))
        {
            await collection.UpsertAsync(SyntheticVectors.Records(vectors));
        }

        Assert.True(File.Exists(Path.Combine(directory.Path, "saved.hnsw")));
        using var reopened = await Database.OpenAsync("saved");
        Assert.Equal(300, reopened.IndexForTests.Count);
        Assert.Equal("current", (await reopened.StatsAsync()).IndexState);
        Assert.Equal("v000042", (await reopened.SearchAsync(vectors[42], new SearchOptions { K = 1 }))[0].Id);
    }

    [Fact]
    public async Task A_stale_index_file_is_caught_up_from_sqlite_on_open()
    {
        var vectors = SyntheticVectors.LowRank(400, Dimension, rank: 4);
        var records = SyntheticVectors.Records(vectors);
        var indexPath = Path.Combine(directory.Path, "stale.hnsw");
        using (var collection = await Database.CreateAsync(new CollectionSpec("stale", Dimension)))
        {
            await collection.UpsertAsync(records[..200]);
            collection.SaveIndex();
            File.Copy(indexPath, indexPath + ".old");
            await collection.UpsertAsync(records[200..]);
            await collection.DeleteAsync(["v000000", "v000001"]);
        }

        // Put back the index as it was before the last writes, as if the process had died before saving it.
        File.Move(indexPath + ".old", indexPath, overwrite: true);
        using var reopened = await Database.OpenAsync("stale");
        Assert.Equal(398, reopened.IndexForTests.Count);
        Assert.Equal("v000350", (await reopened.SearchAsync(vectors[350], new SearchOptions { K = 1 }))[0].Id);
        Assert.DoesNotContain(await reopened.SearchAsync(vectors[0], new SearchOptions { K = 5 }), hit => hit.Id == "v000000");
    }

    [Fact]
    public async Task A_damaged_index_file_is_rebuilt_from_sqlite()
    {
        var vectors = SyntheticVectors.LowRank(100, Dimension, rank: 4);
        using (var collection = await Database.CreateAsync(new CollectionSpec("damaged", Dimension)))
        {
            await collection.UpsertAsync(SyntheticVectors.Records(vectors));
        }

        var indexPath = Path.Combine(directory.Path, "damaged.hnsw");
        File.WriteAllBytes(indexPath, File.ReadAllBytes(indexPath)[..100]);
        using var reopened = await Database.OpenAsync("damaged");
        Assert.Equal(100, reopened.IndexForTests.Count);
        Assert.Equal("v000007", (await reopened.SearchAsync(vectors[7], new SearchOptions { K = 1 }))[0].Id);
    }

    // Offsets in the index file: its header is 48 bytes, the top layer's number the last 4 of them; then come node 0's id
    // ("v000000" with its length byte), deleted flag, level count, layer 0's list length, its count, its first neighbour.
    [Theory]
    [InlineData(48 + 8 + 1 + 4 + 4 + 4, 1_000_000)] // node 0's first neighbour is outside the graph
    [InlineData(44, 40)] // the top layer is above the entry point's
    public async Task An_index_file_that_would_send_a_walk_outside_the_graph_is_rebuilt_from_sqlite(int offset, int value)
    {
        var vectors = SyntheticVectors.LowRank(100, Dimension, rank: 4);
        using (var collection = await Database.CreateAsync(new CollectionSpec("badlinks", Dimension)))
        {
            await collection.UpsertAsync(SyntheticVectors.Records(vectors));
        }

        // The file keeps its length and everything else.
        var indexPath = Path.Combine(directory.Path, "badlinks.hnsw");
        var bytes = File.ReadAllBytes(indexPath);
        BitConverter.TryWriteBytes(bytes.AsSpan(offset), value);
        File.WriteAllBytes(indexPath, bytes);
        using var reopened = await Database.OpenAsync("badlinks");
        Assert.Equal("v000000", (await reopened.SearchAsync(vectors[0], new SearchOptions { K = 1 }))[0].Id);
        Assert.Equal(100, reopened.IndexForTests.Count);
    }

    [Fact]
    public async Task Writes_through_another_handle_are_seen_by_the_next_search()
    {
        var vectors = SyntheticVectors.LowRank(50, Dimension, rank: 4);
        using var first = await Database.CreateAsync(new CollectionSpec("shared", Dimension));
        using var second = await Database.OpenAsync("shared");
        await second.UpsertAsync(SyntheticVectors.Records(vectors));
        Assert.Equal("v000020", (await first.SearchAsync(vectors[20], new SearchOptions { K = 1 }))[0].Id);
        await second.DeleteAsync(["v000020"]);
        Assert.NotEqual("v000020", (await first.SearchAsync(vectors[20], new SearchOptions { K = 1 }))[0].Id);
    }

    [Fact]
    public async Task Many_updates_of_the_same_ids_keep_the_index_bounded()
    {
        var random = new Random(3);
        using var collection = await Database.CreateAsync(new CollectionSpec("churn", Dimension));
        float[][] latest = [];
        for (var round = 0; round < 30; round++)
        {
            latest = [.. Enumerable.Range(0, 100).Select(_ => SyntheticVectors.Gaussian(random, Dimension))];
            await collection.UpsertAsync(SyntheticVectors.Records(latest));
        }

        collection.WaitForCompaction();
        var index = collection.IndexForTests;
        Assert.Equal(100, index.Count);
        Assert.True(index.NodeCount <= (2 * index.Count) + 64, $"{index.NodeCount} nodes for {index.Count} records");
        Assert.Equal("v000055", (await collection.SearchAsync(latest[55], new SearchOptions { K = 1 }))[0].Id);
    }

    [Fact]
    public async Task A_writer_blocked_by_another_connection_fails_with_a_clear_message_instead_of_hanging()
    {
        using var collection = await Database.CreateAsync(new CollectionSpec("locked", Dimension));
        using var other = new SqliteConnection($"Data Source={Database.DatabasePath("locked")};Pooling=False");
        other.Open();
        using var hold = other.BeginTransaction(deferred: false);
        var error = await Assert.ThrowsAsync<StrataDataException>(() => collection.UpsertAsync([new VectorRecord("x", new float[Dimension])]));
        Assert.Contains("busy", error.Message, StringComparison.Ordinal);
        hold.Rollback();
        Assert.Equal(1, await collection.UpsertAsync([new VectorRecord("x", new float[Dimension])]));
        // Reads are never blocked by a writer in WAL mode.
        Assert.Equal(1, await collection.CountAsync());
    }
}
