using System.Text;
using Strata.Data.Collections;
using Strata.Data.Hnsw;
using Strata.Data.Search;

namespace Strata.Data.Embedded;

/// <summary>Queries: dense kNN through the HNSW index, BM25 through FTS5, and their fusion.</summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>The <c>K</c> nearest records to <paramref name="vector"/>, best first, scored by the collection's metric.</summary>
    public IReadOnlyList<SearchHit> Search(float[] vector, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        using var activity = CollectionCallStart.Search(Spec, "dense", vector, ref options);
        lock (gate)
        {
            CatchUp();
            return Guard(() =>
            {
                var neighbours = Nearest(vector, options.DenseCandidates, options);
                var hits = Hydrate(neighbours.Select(n => (index.IdOf(n.Node), VectorDistance.ToScore(n.Distance, Spec.Distance))).ToList(), options.FetchVectors);
                return MaximalMarginalRelevance.Apply(hits, options);
            });
        }
    }

    /// <summary>Full-text search ranked by BM25 (FTS5). Words of <paramref name="text"/> are matched with OR; operators are not interpreted.</summary>
    public IReadOnlyList<SearchHit> SearchText(string text, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "bm25", vector: null, ref options);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Guard(() => Hydrate(Bm25(text, options.K, options), options.IncludeVectors));
        }
    }

    /// <summary>Hybrid search: dense and BM25 candidates fused by <see cref="SearchOptions.Fusion"/> with the configured weights.</summary>
    public IReadOnlyList<SearchHit> SearchHybrid(float[] vector, string text, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(text);
        using var activity = CollectionCallStart.Search(Spec, "hybrid", vector, ref options);
        lock (gate)
        {
            CatchUp();
            return Guard(() =>
            {
                var candidates = options.HybridCandidates;
                var dense = Nearest(vector, candidates, options).Select(n => (index.IdOf(n.Node), VectorDistance.ToScore(n.Distance, Spec.Distance))).ToList();
                var sparse = Bm25(text, candidates, options);
                var fused = ScoreFusion.Fuse([(dense, options.DenseWeight), (sparse, options.TextWeight)], options.Fusion, options.K, options.RrfK);
                return Hydrate(fused, options.IncludeVectors);
            });
        }
    }

    private List<HnswIndex.Neighbour> Nearest(float[] vector, int k, SearchOptions options)
    {
        var ef = Math.Max(options.Ef ?? Spec.IndexParameters.EfSearch, k);
        if (options.Filter is null)
        {
            return index.Search(vector, k, ef);
        }

        var nodes = new List<int>();
        foreach (var id in MatchingIds(options.Filter))
        {
            if (index.TryGetNode(id, out var node))
            {
                nodes.Add(node);
            }
        }

        return FilteredSearch.Run(index, vector, k, ef, nodes);
    }

    private List<(string Id, double Score)> Bm25(string text, int k, SearchOptions options)
    {
        var query = FtsQuery(text);
        if (query.Length == 0)
        {
            return [];
        }

        var (where, parameters) = Filters.SqlFilterTranslator.Translate(options.Filter, "r.metadata");
        // bm25() is lower-is-better (negative); negate so every score in Strata is higher-is-better.
        using var command = SqliteStore.Command(connection,
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
    private static string FtsQuery(string text)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                terms.Add("\"" + word + "\"");
                word.Clear();
            }
        }

        return string.Join(" OR ", terms.Distinct(StringComparer.Ordinal).Take(64));
    }

    private List<SearchHit> Hydrate(IReadOnlyList<(string Id, double Score)> ranked, bool includeVectors)
    {
        var records = GetUnlocked(ranked.Select(r => r.Id).ToArray()).ToDictionary(r => r.Id, StringComparer.Ordinal);
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
