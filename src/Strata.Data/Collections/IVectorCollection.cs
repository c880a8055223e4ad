using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Collections;

/// <summary>One vector collection, whatever the backend: the operations Strata's CLI, server and VectorData adapter use.</summary>
public interface IVectorCollection : IDisposable
{
    /// <summary>The collection's definition.</summary>
    CollectionSpec Spec { get; }

    /// <summary>Inserts or replaces records, all or nothing; returns how many were written.</summary>
    int Upsert(IReadOnlyList<VectorRecord> records);

    /// <summary>The records with these ids (missing ones skipped).</summary>
    IReadOnlyList<VectorRecord> Get(IEnumerable<string> ids);

    /// <summary>Deletes by id; returns how many existed.</summary>
    int Delete(IEnumerable<string> ids);

    /// <summary>Deletes every record matching the filter; returns how many.</summary>
    int Delete(MetadataFilter filter);

    /// <summary>Counts records matching the filter (all when null).</summary>
    long Count(MetadataFilter? filter = null);

    /// <summary>One page of records in id order after the cursor.</summary>
    ScrollPage Scroll(MetadataFilter? filter = null, string? cursor = null, int limit = 100);

    /// <summary>Dense k-nearest-neighbour search.</summary>
    IReadOnlyList<SearchHit> Search(float[] vector, SearchOptions? options = null);

    /// <summary>BM25 full-text search.</summary>
    IReadOnlyList<SearchHit> SearchText(string text, SearchOptions? options = null);

    /// <summary>Dense and BM25 search fused.</summary>
    IReadOnlyList<SearchHit> SearchHybrid(float[] vector, string text, SearchOptions? options = null);

    /// <summary>Counts, sizes and index state.</summary>
    CollectionStats Stats();

    /// <summary>Writes a consistent copy of the collection to a file.</summary>
    void Snapshot(string snapshotPath);
}

/// <summary>A set of named collections, whatever the backend.</summary>
public interface IVectorDatabase
{
    /// <summary>Creates a collection; fails if it exists.</summary>
    IVectorCollection Create(CollectionSpec spec);

    /// <summary>Opens an existing collection, or fails with "Unknown collection".</summary>
    IVectorCollection Open(string name);

    /// <summary>Whether the collection exists.</summary>
    bool Exists(string name);

    /// <summary>All collection names, sorted.</summary>
    IReadOnlyList<string> List();

    /// <summary>Deletes a collection; false when it did not exist.</summary>
    bool Drop(string name);

    /// <summary>Replaces or creates a collection from a snapshot file.</summary>
    void Restore(string name, string snapshotPath);
}
