using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Hnsw;
using Strata.Data.Search;

namespace Strata.Benchmarks.Vectors;

/// <summary>Strata's own concurrency measurements: parallel build, and search latency while another client writes.</summary>
internal static class StrataConcurrencyRuns
{
    /// <summary>Records per upsert of the writing client in the mixed run.</summary>
    public const int MixedBatch = 500;

    /// <summary>
    /// Builds the vectors into a fresh index on one thread, then on two (the same batch insertion, only the thread count
    /// differs), three times in turn, and checks the last two-thread index's recall at <paramref name="ef"/>. Medians: a
    /// single pair read from 1.49x to 1.95x on the same quiet machine.
    /// </summary>
    public static ParallelBuild MeasureBuild(float[][] vectors, int dimension, int m, int efConstruction, int ef, float[][] queries, HashSet<int>[] truth, int k, Action<string> log)
    {
        var batch = vectors.Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), v)).ToList();
        double Build(int threads, out HnswIndex index)
        {
            index = new HnswIndex(dimension, DistanceMetric.Cosine, new HnswParameters(m, efConstruction, 64));
            var watch = Stopwatch.StartNew();
            index.UpsertMany(batch, threads);
            return watch.Elapsed.TotalSeconds;
        }

        var (ones, twos) = (new List<double>(), new List<double>());
        HnswIndex? parallel = null;
        for (var round = 0; round < 3; round++)
        {
            ones.Add(Build(1, out _));
            twos.Add(Build(2, out parallel));
        }

        var (one, two) = (ones.Order().ElementAt(1), twos.Order().ElementAt(1));
        var found = queries.Select(q => parallel!.Search(q, k, ef).Select(n => n.Node).ToArray()).ToArray();
        var recall = found.Select((ids, q) => ids.Count(truth[q].Contains)).Sum() / (double)Math.Max(1, truth.Sum(t => t.Count));
        var result = new ParallelBuild(one, two, recall);
        log($"vectors: strata-hnsw build on 2 threads {two:0.0} s vs {one:0.0} s on 1 ({result.Ratio:0.00}x), recall@10 {recall:0.000} at ef {ef}");
        return result;
    }

    /// <summary>
    /// An embedded collection (SQLite + HNSW, as an application has it) holding the vectors; two clients search it, first
    /// alone, then while a third upserts batches of <see cref="MixedBatch"/>; every search's latency is recorded.
    /// </summary>
    public static MixedLoad MeasureMixed(float[][] vectors, int dimension, int ef, float[][] queries, int k, Action<string> log, out EmbeddedFilteredRates filtered)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"strata-bench-mixed-{Guid.NewGuid():N}");
        try
        {
            // The harness threads call the async API and wait on it: each client is one thread, as in the other runs.
            var database = new EmbeddedVectorDatabase(folder);
            using var collection = database.CreateAsync(new CollectionSpec("mixed", dimension, DistanceMetric.Cosine, Hnsw: new HnswParameters(16, 200, ef))).GetAwaiter().GetResult();
            // Each record's bucket (index mod 1000) is metadata, so "bucket < 500" lets half of them through, as in the index runs.
            foreach (var chunk in vectors.Select((v, i) => new VectorRecord($"v{i}", v, null, new JsonObject { ["bucket"] = i % 1000 })).Chunk(1000))
            {
                collection.UpsertAsync(chunk).GetAwaiter().GetResult();
            }

            filtered = MeasureFiltered(collection, queries, k, ef, log);
            var rounds = Math.Max(1, 2000 / queries.Length);
            var readOnly = Search(collection, queries, k, ef, rounds, writer: null);
            var batches = 0;
            var mixed = Search(collection, queries, k, ef, rounds, stop =>
            {
                for (var b = 0; !stop.IsCancellationRequested; b++)
                {
                    var records = Enumerable.Range(0, MixedBatch)
                        .Select(i => new VectorRecord($"extra{(b * MixedBatch) + i}", vectors[((b * MixedBatch) + i) % vectors.Length]))
                        .ToArray();
                    collection.UpsertAsync(records).GetAwaiter().GetResult();
                    batches++;
                }
            });
            var result = new MixedLoad(Percentile(readOnly, 0.50), Percentile(readOnly, 0.99), Percentile(mixed, 0.50), Percentile(mixed, 0.99), MixedBatch, batches);
            log($"vectors: strata embedded collection, 2 searching clients: p50/p99 {result.ReadOnlyP50:0.00}/{result.ReadOnlyP99:0.00} ms read-only, "
                + $"{result.MixedP50:0.00}/{result.MixedP99:0.00} ms while a third upserted {batches} batches of {MixedBatch} (p99 {result.P99Ratio:0.00}x)");
            return result;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// One client's queries/s on the embedded collection, whole searches as an application makes them (filter, walk,
    /// records read back): unfiltered; filtered at 50 % passing with one filter repeated; with a filter that differs per
    /// query (passing the same records), evaluated on the payload index; and the same evaluated in SQLite over every record,
    /// as searches did before the payload index. Alternated by round, medians.
    /// </summary>
    private static EmbeddedFilteredRates MeasureFiltered(IVectorCollection collection, float[][] queries, int k, int ef, Action<string> log)
    {
        var half = new FieldFilter("bucket", FilterOperator.Lt, [FilterValue.Of(500)]);
        var fresh = queries[..Math.Min(50, queries.Length)];
        double Rate(float[][] batch, Func<int, MetadataFilter?> filter)
        {
            var watch = Stopwatch.StartNew();
            for (var q = 0; q < batch.Length; q++)
            {
                collection.SearchAsync(batch[q], new SearchOptions { K = k, Ef = ef, Filter = filter(q) }).GetAwaiter().GetResult();
            }

            return batch.Length / watch.Elapsed.TotalSeconds;
        }

        var (unfiltered, repeated, distinct, distinctSqlite) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var embedded = (EmbeddedCollection)collection;
        var distinctSeed = 0;
        for (var round = 0; round < 3; round++)
        {
            unfiltered.Add(Rate(queries, _ => null));
            repeated.Add(Rate(queries, _ => half));
            // "bucket < 500 and bucket != -n": the same records pass, but no two queries share a filter.
            distinct.Add(Rate(queries, _ => new AndFilter([half, new FieldFilter("bucket", FilterOperator.Ne, [FilterValue.Of(-1 - distinctSeed++)])])));
            embedded.FiltersInSqliteForBenchmarks = true;
            try
            {
                distinctSqlite.Add(Rate(fresh, _ => new AndFilter([half, new FieldFilter("bucket", FilterOperator.Ne, [FilterValue.Of(-1 - distinctSeed++)])])));
            }
            finally
            {
                embedded.FiltersInSqliteForBenchmarks = false;
            }
        }

        var result = new EmbeddedFilteredRates(Median(unfiltered), Median(repeated), Median(distinct), Median(distinctSqlite));
        log($"vectors: strata embedded collection, 1 client: unfiltered {result.UnfilteredQps:0} q/s, 50% passing {result.RepeatedFilterQps:0} q/s "
            + $"({result.RepeatedRatio:0.00}x) with the filter repeated, {result.DistinctFilterQps:0} q/s ({result.DistinctRatio:0.00}x) with a new filter per query, "
            + $"{result.DistinctFilterSqliteQps:0} q/s ({result.DistinctSqliteRatio:0.00}x) with a new filter per query evaluated in SQLite (before the payload index)");
        return result;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Latencies (ms) of two clients each searching every query <paramref name="rounds"/> times, a writer running alongside when given.</summary>
    private static List<double> Search(IVectorCollection collection, float[][] queries, int k, int ef, int rounds, Action<CancellationToken>? writer)
    {
        var latencies = new List<double>[2];
        using var stop = new CancellationTokenSource();
        var writing = writer is null ? null : new Thread(() => writer(stop.Token)) { IsBackground = true, Name = "mixed-writer" };
        writing?.Start();
        var clients = Enumerable.Range(0, 2).Select(client => new Thread(() =>
        {
            var own = latencies[client] = new List<double>(queries.Length * rounds);
            var options = new SearchOptions { K = k, Ef = ef };
            for (var round = 0; round < rounds; round++)
            {
                for (var q = client; q < queries.Length; q += 2)
                {
                    var started = Stopwatch.GetTimestamp();
                    collection.SearchAsync(queries[q], options).GetAwaiter().GetResult();
                    own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToList();
        clients.ForEach(thread => thread.Start());
        clients.ForEach(thread => thread.Join());
        stop.Cancel();
        writing?.Join();
        return [.. latencies[0], .. latencies[1]];
    }

    private static double Percentile(List<double> values, double share)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }
}
