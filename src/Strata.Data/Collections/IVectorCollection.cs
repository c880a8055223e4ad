using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Collections;

/// <summary>
/// One vector collection, whatever the backend: the operations Strata's CLI, server and VectorData adapter use. Every
/// operation is asynchronous and takes a token; a call cancelled before it commits changes nothing (writes are one
/// transaction) and ends with <see cref="OperationCanceledException"/>.
/// </summary>
public interface IVectorCollection : IDisposable
{
    /// <summary>The collection's definition.</summary>
    CollectionSpec Spec { get; }

    /// <summary>Inserts or replaces records, all or nothing; returns how many were written.</summary>
    Task<int> UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The records with these ids (missing ones skipped).</summary>
    Task<IReadOnlyList<VectorRecord>> GetAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves <paramref name="count"/> integer keys no earlier call has handed out, each above every integer id stored
    /// when the collection's key counter started (its first reservation), so a generated key never replaces a record.
    /// Keys handed out and never used are skipped, as a database sequence skips them. This is how int and long keys are
    /// generated for the Microsoft.Extensions.VectorData contract.
    /// </summary>
    Task<IReadOnlyList<long>> ReserveKeysAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>Deletes by id; returns how many existed.</summary>
    Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Deletes every record matching the filter; returns how many.</summary>
    Task<int> DeleteAsync(MetadataFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Counts records matching the filter (all when null).</summary>
    Task<long> CountAsync(MetadataFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>One page of records in id order after the cursor.</summary>
    Task<ScrollPage> ScrollAsync(MetadataFilter? filter = null, string? cursor = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Dense k-nearest-neighbour search.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(float[] vector, SearchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>BM25 full-text search.</summary>
    Task<IReadOnlyList<SearchHit>> SearchTextAsync(string text, SearchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Dense and BM25 search fused.</summary>
    Task<IReadOnlyList<SearchHit>> SearchHybridAsync(float[] vector, string text, SearchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Counts, sizes and index state.</summary>
    Task<CollectionStats> StatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes a consistent copy of the collection to a file.</summary>
    Task SnapshotAsync(string snapshotPath, CancellationToken cancellationToken = default);
}

/// <summary>A set of named collections, whatever the backend; every operation asynchronous, as on <see cref="IVectorCollection"/>.</summary>
public interface IVectorDatabase
{
    /// <summary>Creates a collection; fails if it exists.</summary>
    Task<IVectorCollection> CreateAsync(CollectionSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Opens an existing collection, or fails with "Unknown collection".</summary>
    Task<IVectorCollection> OpenAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether the collection exists.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>All collection names, sorted.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a collection; false when it did not exist.</summary>
    Task<bool> DropAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces or creates a collection from a snapshot file.</summary>
    Task RestoreAsync(string name, string snapshotPath, CancellationToken cancellationToken = default);
}
