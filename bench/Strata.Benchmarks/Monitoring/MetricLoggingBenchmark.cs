using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Strata.Monitoring.Runs;

namespace Strata.Benchmarks.Monitoring;

/// <summary>
/// Logging 100,000 metric points into one run through <see cref="IRun.Log(string, double, long)"/> (buffered, batched
/// transactions, heartbeat running) against the floor: the same rows inserted by one prepared statement in one
/// transaction on a bare SQLite connection.
/// </summary>
internal sealed class MetricLoggingBenchmark : IBenchmark
{
    private const int Points = 100_000;

    public string Name => "run-metrics";

    public string Description => "100,000 metric points into one run vs bare SQLite inserts in one transaction";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "strata-bench-runs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var store = new RunStore(Path.Combine(folder, "runs"));
            var (strata, peer) = await Measure.AlternatingAsync(options.Rounds,
                () => Task.FromResult(LogThroughRun(store)),
                () => Task.FromResult(BareInserts(Path.Combine(folder, $"bare-{Guid.NewGuid():N}.db"))));
            return [new($"{Points:N0} metric points into one run", "points/s", strata, "bare SQLite, 1 transaction", peer, null)];
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double LogThroughRun(RunStore store)
    {
        var started = Stopwatch.GetTimestamp();
        using var run = store.Start(new RunStartOptions { Project = "bench" });
        for (var step = 0; step < Points / 4; step++)
        {
            // A training loop's typical shape: a few metrics per step.
            run.Log("loss", 1.0 / (step + 1), step);
            run.Log("accuracy", step / (double)Points, step);
            run.Log("learning_rate", 2e-4, step);
            run.Log("grad_norm", 0.5, step);
        }

        run.Finish();
        return Points / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static double BareInserts(string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE metrics (run_id TEXT, name TEXT, step INTEGER, value REAL, wall_time INTEGER);"
                + "CREATE INDEX metrics_by_series ON metrics (run_id, name, step);";
            setup.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO metrics VALUES ('run', $name, $step, $value, $time)";
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var stepParameter = insert.Parameters.Add("$step", SqliteType.Integer);
        var value = insert.Parameters.Add("$value", SqliteType.Real);
        var time = insert.Parameters.Add("$time", SqliteType.Integer);
        insert.Prepare();
        string[] names = ["loss", "accuracy", "learning_rate", "grad_norm"];
        for (var i = 0; i < Points; i++)
        {
            name.Value = names[i % 4];
            stepParameter.Value = i / 4;
            value.Value = 1.0 / (i + 1);
            time.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return Points / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
