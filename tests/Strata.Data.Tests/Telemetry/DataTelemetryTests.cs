using System.Collections.Concurrent;
using System.Diagnostics;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Search;
using Strata.Data.Tests.Documents;

namespace Strata.Data.Tests.Telemetry;

public sealed class DataTelemetryTests
{
    [Fact]
    public async Task Vector_writes_and_searches_are_spans_of_the_strata_data_source_without_content()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DataTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var folder = new TemporaryFolder();
        var name = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        using var collection = await new EmbeddedVectorDatabase(folder.Path).CreateAsync(new CollectionSpec(name, 3));

        await collection.UpsertAsync([new VectorRecord("a", [1, 0, 0], "secret document text"), new VectorRecord("b", [0, 1, 0])]);
        await collection.SearchAsync([1, 0, 0], new SearchOptions { K = 1 });
        await collection.SearchTextAsync("secret", new SearchOptions { K = 1 });

        var mine = spans.Where(s => (string?)s.GetTagItem("db.collection.name") == name).ToList();
        Assert.Contains(mine, s => s.OperationName == "vector.upsert" && (int?)s.GetTagItem("strata.records") == 2);
        Assert.Contains(mine, s => s.OperationName == "vector.search" && (string?)s.GetTagItem("strata.search.mode") == "dense");
        Assert.Contains(mine, s => s.OperationName == "vector.search" && (string?)s.GetTagItem("strata.search.mode") == "bm25");
        Assert.All(mine, s => Assert.DoesNotContain(s.TagObjects, tag => tag.Value is string text && text.Contains("secret", StringComparison.Ordinal)));
    }
}
