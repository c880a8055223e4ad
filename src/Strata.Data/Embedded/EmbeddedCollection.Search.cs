using Microsoft.Data.Sqlite;
using Strata.Data.Collections;
using Strata.Data.Hnsw;
using Strata.Data.Search;

namespace Strata.Data.Embedded;

/// <summary>Queries: dense kNN through the HNSW index, BM25 through FTS5, and their fusion.</summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>The <c>K</c> nearest records to <paramref name="vector"/>, best first, scored by the collection's metric.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(float[] vector, SearchOptions? options = null, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Search(vector, options, cancellationToken), cancellationToken);

    /// <summary>Full-text search ranked by BM25 (FTS5). Words of <paramref name="text"/> are matched with OR; operators are not interpreted.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchTextAsync(string text, SearchOptions? options = null, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => SearchText(text, options, cancellationToken), cancellationToken);

    /// <summary>Hybrid search: dense and BM25 candidates fused by <see cref="SearchOptions.Fusion"/> with the configured weights.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchHybridAsync(float[] vector, string text, SearchOptions? options = null, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => SearchHybrid(vector, text, options, cancellationToken), cancellationToken);

    private IReadOnlyList<SearchHit> Search(float[] vector, SearchOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vector);
        using var activity = CollectionCallStart.Search(Spec, "dense", vector, ref options);
        SearchOptions resolved = options;
        return Read(reader =>
        {
            var nearest = Nearest(reader, vector, resolved.DenseCandidates, resolved, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var hits = Hydrate(reader, nearest, resolved.FetchVectors);
            return MaximalMarginalRelevance.Apply(hits, resolved);
        });
    }

    private IReadOnlyList<SearchHit> SearchText(string text, SearchOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "bm25", vector: null, ref options);
        SearchOptions resolved = options;
        return Read(reader =>
        {
            var ranked = resolved.TextField is { } field ? FieldBm25(reader, field, text, resolved.K, resolved) : Bm25(reader, text, resolved.K, resolved);
            cancellationToken.ThrowIfCancellationRequested();
            return Hydrate(reader, ranked, resolved.IncludeVectors);
        });
    }

    private IReadOnlyList<SearchHit> SearchHybrid(float[] vector, string text, SearchOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "hybrid", vector, ref options);
        SearchOptions resolved = options;
        return Read(reader =>
        {
            var candidates = resolved.HybridCandidates;
            var dense = Nearest(reader, vector, candidates, resolved, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var sparse = resolved.TextField is { } field ? FieldBm25(reader, field, text, candidates, resolved) : Bm25(reader, text, candidates, resolved);
            cancellationToken.ThrowIfCancellationRequested();
            // Document-level text is the documents' text, no evidence about another field's.
            var (documents, documentFloor) = resolved.DocumentTextShare > 0 && resolved.TextField is null ? DocumentBm25(reader, text, candidates) : ([], null);
            var sources = documents.Count == 0 && resolved.DocumentDenseShare == 0 ? [] : SourcesOf(dense.Concat(sparse).Select(c => c.Id).Distinct(StringComparer.Ordinal), reader)
                .ToDictionary(s => s.Id, s => s.Source, StringComparer.Ordinal);
            var fused = ScoreFusion.FuseHybrid(dense, sparse, documents, sources, resolved, documentFloor);
            return Hydrate(reader, fused, resolved.IncludeVectors);
        });
    }

    /// <summary>
    /// The nearest records' ids and scores. A filter's passing nodes come from the payload index (in memory, no SQLite),
    /// else, for what it cannot answer, from the cache when the graph has not changed since they were computed, else from
    /// SQLite; the walk runs under the index's read lock.
    /// </summary>
    private List<(string Id, double Score)> Nearest(SqliteConnection reader, float[] vector, int k, SearchOptions options, CancellationToken cancellationToken)
    {
        var ef = Math.Max(options.Ef ?? Spec.IndexParameters.EfSearch, k);
        if (options.Filter is null)
        {
            return WithIndex(current => Scored(current, current.Search(vector, k, ef)));
        }

        // The payload index and any kept set describe the graph, and the graph can trail SQLite: a search that finds the
        // gate busy (a compaction, this process's writer) goes on without applying another process's commits, and the graph's
        // metadata would then still pass records that commit deleted or changed (a hit whose metadata fails the filter). So
        // they are used only while the graph reflects the latest commit; otherwise SQLite evaluates the filter.
        var committed = CommittedSequence(reader);
        var filter = options.Filter;
        var indexed = WithIndex(current => current.HighWaterMark == committed && !FiltersInSqliteForBenchmarks && payload.Evaluate(filter, current.NodeCount) is { } nodes
            ? Scored(current, FilteredSearch.Run(current, vector, k, ef, nodes))
            : null);
        if (indexed is not null)
        {
            return indexed;
        }

        var (where, parameters) = Filters.SqlFilterTranslator.Translate(options.Filter);
        var key = FilteredNodeCache.KeyOf(where, parameters);
        var cached = WithIndex(current => current.HighWaterMark == committed && filteredNodes.Find(key, current.Version) is { } nodes
            ? Scored(current, FilteredSearch.Run(current, vector, k, ef, nodes))
            : null);
        if (cached is not null)
        {
            return cached;
        }

        var versionBefore = WithIndex(current => current.Version);
        var (matching, sequence) = MatchingIdsAndSequence(reader, where, parameters);
        cancellationToken.ThrowIfCancellationRequested();
        return WithIndex(current =>
        {
            var nodes = AllowedNodes.From(NodesOf(current, matching), current.NodeCount);
            // Kept only when the graph holds exactly the snapshot the ids were read from: no change to the graph while
            // SQLite was read, and every committed change applied (a catch-up in progress, or another process's commit
            // not yet applied, leaves the set unkept).
            if (current.Version == versionBefore && current.HighWaterMark == sequence)
            {
                filteredNodes.Store(key, versionBefore, nodes);
            }

            return Scored(current, FilteredSearch.Run(current, vector, k, ef, nodes));
        });
    }

    /// <summary>Sends every filter to SQLite, as searches did before the payload index (the benchmark's before and after).</summary>
    internal bool FiltersInSqliteForBenchmarks { get; set; }

    private List<(string Id, double Score)> Scored(HnswIndex current, List<HnswIndex.Neighbour> neighbours) =>
        neighbours.Select(n => (current.IdOf(n.Node), VectorDistance.ToScore(n.Distance, Spec.Distance))).ToList();

    /// <summary>
    /// A filter's passing nodes both ways, on the graph as it stands: from the payload index (null where it cannot answer)
    /// and from SQLite mapped to nodes (what searches used before the payload index). Tests compare the two.
    /// </summary>
    internal (AllowedNodes? Indexed, AllowedNodes Sql) PassingNodesForTests(Filters.MetadataFilter filter) => Read(reader =>
    {
        var (where, parameters) = Filters.SqlFilterTranslator.Translate(filter);
        var (matching, _) = MatchingIdsAndSequence(reader, where, parameters);
        return WithIndex(current => (payload.Evaluate(filter, current.NodeCount), AllowedNodes.From(NodesOf(current, matching), current.NodeCount)));
    });

    private static IEnumerable<int> NodesOf(HnswIndex index, List<string> ids)
    {
        foreach (var id in ids)
        {
            if (index.TryGetNode(id, out var node))
            {
                yield return node;
            }
        }
    }

    private static List<(string Id, double Score)> Bm25(SqliteConnection readConnection, string text, int k, SearchOptions options)
    {
        var query = FtsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        var (where, parameters) = Filters.SqlFilterTranslator.Translate(options.Filter, "r.metadata");
        // bm25() is lower-is-better (negative); negate so every score in Strata is higher-is-better.
        using var command = SqliteStore.Command(readConnection,
            $"SELECT r.id, -bm25(documents) AS score FROM documents JOIN records r ON r.seq = documents.rowid WHERE documents MATCH @query AND {where} ORDER BY bm25(documents) LIMIT @k");
        command.Parameters.AddRange(parameters);
        command.Parameters.AddWithValue("@query", query);
        command.Parameters.AddWithValue("@k", k);
        using var reader = command.ExecuteReader();
        var results = new List<(string, double)>();
        while (reader.Read())
        {
            results.Add((reader.GetString(0), reader.GetDouble(1)));
        }

        return results;
    }

    /// <summary>Quotes each word so user text can never be read as FTS5 syntax (NEAR, column filters, unbalanced quotes).</summary>
    private static string FtsQuery(string text) => FtsQuery(QueryWords.Of(text));

    private static string FtsQuery(IEnumerable<string> words) => string.Join(" OR ", words.Select(word => "\"" + word + "\""));

    private List<SearchHit> Hydrate(SqliteConnection reader, IReadOnlyList<(string Id, double Score)> ranked, bool includeVectors)
    {
        var records = GetUnlocked(ranked.Select(r => r.Id).ToArray(), reader).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var hits = new List<SearchHit>(ranked.Count);
        foreach (var (id, score) in ranked)
        {
            if (records.TryGetValue(id, out var record))
            {
                hits.Add(new SearchHit(id, score, record.Document, record.Metadata, includeVectors ? record.Vector : null));
            }
        }

        return hits;
    }
}
