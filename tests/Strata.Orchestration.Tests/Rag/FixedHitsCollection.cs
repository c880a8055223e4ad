using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Orchestration.Tests.Rag;

/// <summary>
/// A collection whose every search returns the same ranked hits (the first k), so RAG tests decide what retrieval
/// found and test what happens after it. Writes and reads are not part of these tests and throw.
/// </summary>
internal sealed class FixedHitsCollection(params SearchHit[] hits) : IVectorCollection
{
    public CollectionSpec Spec { get; } = new("fixed", 3);

    /// <summary>A hit shaped as ingestion stores chunks: source, chunk and, for paged documents, page.</summary>
    public static SearchHit Chunk(string id, string source, int chunk, string text, int? page = null)
    {
        var metadata = new JsonObject { ["source"] = source, ["chunk"] = chunk };
        if (page is { } number)
        {
            metadata["page"] = number;
        }

        return new SearchHit(id, 1.0, text, metadata);
    }

    public Task<IReadOnlyList<long>> ReserveKeysAsync(int count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<SearchHit>> SearchAsync(float[] vector, SearchOptions? options = null, CancellationToken cancellationToken = default) => Top(options);

    public Task<IReadOnlyList<SearchHit>> SearchTextAsync(string text, SearchOptions? options = null, CancellationToken cancellationToken = default) => Top(options);

    public Task<IReadOnlyList<SearchHit>> SearchHybridAsync(float[] vector, string text, SearchOptions? options = null, CancellationToken cancellationToken = default) => Top(options);

    public Task<int> UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<VectorRecord>> GetAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<int> DeleteAsync(MetadataFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<long> CountAsync(MetadataFilter? filter = null, CancellationToken cancellationToken = default) => Task.FromResult((long)hits.Length);

    public Task<ScrollPage> ScrollAsync(MetadataFilter? filter = null, string? cursor = null, int limit = 100, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<CollectionStats> StatsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task SnapshotAsync(string snapshotPath, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private Task<IReadOnlyList<SearchHit>> Top(SearchOptions? options) => Task.FromResult<IReadOnlyList<SearchHit>>(hits.Take(options?.K ?? 10).ToArray());
}
