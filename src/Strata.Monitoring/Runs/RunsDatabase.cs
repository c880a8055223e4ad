using Microsoft.Data.Sqlite;
using Strata.Monitoring.Storage;

namespace Strata.Monitoring.Runs;

/// <summary>
/// The runs database: one SQLite file in WAL mode, so a trainer can write while the CLI or server reads, from other
/// processes. Times are stored as Unix milliseconds.
/// </summary>
internal sealed class RunsDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            project TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            config TEXT NOT NULL,
            tags TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            heartbeat_at INTEGER NOT NULL,
            heartbeat_ms INTEGER NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            pid_start INTEGER NOT NULL,
            git_commit TEXT,
            system TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_by_project ON runs (project, started_at);
        CREATE TABLE IF NOT EXISTS metrics (
            run_id TEXT NOT NULL,
            name TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            wall_time INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS metrics_by_series ON metrics (run_id, name, step);
        CREATE TABLE IF NOT EXISTS artifacts (
            run_id TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (run_id, name));
        """;

    private readonly string _connectionString;

    public RunsDatabase(string folder)
    {
        Directory.CreateDirectory(folder);
        Folder = folder;
        _connectionString = SqliteStatements.ConnectionString(Path.Combine(folder, "runs.db"));
        using var connection = Open();
        // WAL is persistent in the file; readers in other processes then never block the writer.
        SqliteStatements.Execute(connection, "PRAGMA journal_mode=WAL;");
        SqliteStatements.Execute(connection, Schema);
    }

    public string Folder { get; }

    public SqliteConnection Open() => SqliteStatements.Open(_connectionString);
}
