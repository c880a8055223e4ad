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

    public IReadOnlyList<SearchHit> Search(float[] vector, SearchOptions? options = null) => Top(options);

    public IReadOnlyList<SearchHit> SearchText(string text, SearchOptions? options = null) => Top(options);

    public IReadOnlyList<SearchHit> SearchHybrid(float[] vector, string text, SearchOptions? options = null) => Top(options);

    public int Upsert(IReadOnlyList<VectorRecord> records) => throw new NotSupportedException();

    public IReadOnlyList<VectorRecord> Get(IEnumerable<string> ids) => throw new NotSupportedException();

    public int Delete(IEnumerable<string> ids) => throw new NotSupportedException();

    public int Delete(MetadataFilter filter) => throw new NotSupportedException();

    public long Count(MetadataFilter? filter = null) => hits.Length;

    public ScrollPage Scroll(MetadataFilter? filter = null, string? cursor = null, int limit = 100) => throw new NotSupportedException();

    public CollectionStats Stats() => throw new NotSupportedException();

    public void Snapshot(string snapshotPath) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private SearchHit[] Top(SearchOptions? options) => hits.Take(options?.K ?? 10).ToArray();
}
