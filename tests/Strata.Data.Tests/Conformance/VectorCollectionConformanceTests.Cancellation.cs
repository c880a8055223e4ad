using System.Collections;
using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Conformance;

/// <summary>Cancellation, the same on every backend: a cancelled call ends in OperationCanceledException and changes nothing.</summary>
public abstract partial class VectorCollectionConformanceTests
{
    [Fact]
    public async Task Every_operation_with_a_cancelled_token_throws_and_changes_nothing()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;
        var lang = MetadataFilter.Parse("""{"field":"lang","eq":"en"}""");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.UpsertAsync([new VectorRecord("new", Axis(6))], token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.DeleteAsync(["a", "b"], token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.DeleteAsync(lang, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.GetAsync(["a"], token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.CountAsync(null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.ScrollAsync(null, null, 10, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.SearchAsync(Axis(0), null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.SearchTextAsync("fox", null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.SearchHybridAsync(Axis(0), "fox", null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.StatsAsync(token));
        var snapshot = Path.Combine(Path.GetTempPath(), $"strata-cancelled-{Guid.NewGuid():N}.snapshot");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.SnapshotAsync(snapshot, token));
        Assert.False(File.Exists(snapshot));

        var name = "c" + Guid.NewGuid().ToString("N")[..12];
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Database.CreateAsync(new CollectionSpec(name, Dimension), token));
        Assert.False(await Database.ExistsAsync(name));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Database.DropAsync(collection.Spec.Name, token));
        Assert.True(await Database.ExistsAsync(collection.Spec.Name));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Database.OpenAsync(collection.Spec.Name, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Database.ExistsAsync(collection.Spec.Name, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Database.ListAsync(token));

        Assert.Equal(6, await collection.CountAsync());
        Assert.Empty(await collection.GetAsync(["new"]));
        Assert.Equal(["a", "b", "c", "d", "e", "f"], (await collection.GetAsync(["a", "b", "c", "d", "e", "f"])).Select(r => r.Id));
    }

    [Fact]
    public async Task An_upsert_cancelled_while_its_batch_is_read_stores_none_of_it()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());
        using var cancellation = new CancellationTokenSource();
        // The token is cancelled when the store reads the 150th record, i.e. after the call has started.
        var batch = new CancellingList(
            [.. Enumerable.Range(0, 300).Select(i => new VectorRecord($"batch{i:D3}", Axis(i), $"batch record {i}", new JsonObject { ["batch"] = true }))],
            cancelAt: 150, cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collection.UpsertAsync(batch, cancellation.Token));

        Assert.Equal(6, await collection.CountAsync());
        Assert.Equal(0, await collection.CountAsync(MetadataFilter.Parse("""{"field":"batch","eq":true}""")));
        Assert.DoesNotContain(await collection.SearchAsync(Axis(10), new SearchOptions { K = 10 }), hit => hit.Id.StartsWith("batch", StringComparison.Ordinal));
        Assert.Empty(await collection.SearchTextAsync("batch record"));
    }

    /// <summary>A batch that cancels <paramref name="cancellation"/> when its element <paramref name="cancelAt"/> is first read.</summary>
    private sealed class CancellingList(VectorRecord[] records, int cancelAt, CancellationTokenSource cancellation) : IReadOnlyList<VectorRecord>
    {
        public int Count => records.Length;

        public VectorRecord this[int index]
        {
            get
            {
                if (index == cancelAt)
                {
                    cancellation.Cancel();
                }

                return records[index];
            }
        }

        public IEnumerator<VectorRecord> GetEnumerator()
        {
            for (var i = 0; i < records.Length; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
