using Strata.Data.Collections;
using Strata.Data.Embedded;

namespace Strata.Data.Tests.Embedded;

/// <summary>Counts chunks a reader waits for: tests running beside it on the same cores would count as its waits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CatchUpFairnessCollection
{
    public const string Name = "catch-up fairness";
}

/// <summary>A large upsert is linked into the graph chunk by chunk, and searches get in between the chunks.</summary>
[Collection(CatchUpFairnessCollection.Name)]
public sealed class CatchUpFairnessTests : IDisposable
{
    private readonly TemporaryFolder directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Searches_get_in_between_the_chunks_of_a_large_upsert()
    {
        // Wide vectors, so that linking a chunk takes long enough for the reader to queue behind it.
        const int width = 384;
        using var collection = await new EmbeddedVectorDatabase(directory.Path).CreateAsync(new CollectionSpec("chunks", width));
        var embedded = (EmbeddedCollection)collection;
        const int count = 1500;
        var random = new Random(7);
        var batch = Enumerable.Range(0, count)
            .Select(i => new VectorRecord($"w{i}", [.. Enumerable.Range(0, width).Select(_ => (float)random.NextDouble() - 0.5f)]))
            .ToArray();

        // A reader asking for the read lock while the batch is linked, pausing between reads as a search does its SQLite
        // work. Each read glimpses how far the linking had come (without a lock), then sees it again once it has the lock:
        // the chunks linked in between are the chunks it waited for. When the writer took the lock back at once after
        // each chunk, a read waited for up to 15 of the 46 chunks (13 reads, 90th percentile 10); when it lets waiting
        // readers in first, for 0 to 3 (52 reads, 90th percentile 1).
        var waits = new List<int>();
        var writing = Task.Run(() => collection.UpsertAsync(batch));
        while (!writing.IsCompleted)
        {
            var before = embedded.LinkedNodesGlimpseForTests;
            var after = embedded.LinkedNodesForTests;
            if (before is > 0 and < count)
            {
                waits.Add((after - before) / EmbeddedCollection.LinkChunk);
            }

            Thread.Sleep(1);
        }

        await writing;
        waits.Sort();
        var chunks = count / EmbeddedCollection.LinkChunk;
        Assert.True(waits.Count >= 5, $"only {waits.Count} reads began while the {chunks} chunks were linked");
        Assert.True(waits[(int)(waits.Count * 0.9)] <= 4, $"reads waited for these numbers of the {chunks} chunks: {string.Join(", ", waits)}");
        Assert.Equal(count, embedded.LinkedNodesForTests);
    }
}
