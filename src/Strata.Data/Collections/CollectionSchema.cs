namespace Strata.Data.Collections;

/// <summary>The SQLite schema of one collection file.</summary>
internal static class CollectionSchema
{
    // seq is a change sequence number drawn from one counter for upserts and deletes: the HNSW index remembers
    // the highest one it reflects and catches up from rows (and tombstones) above it when opened.
    public const string Create = """
        CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS records (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            vector BLOB NOT NULL,
            document TEXT,
            metadata TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE IF NOT EXISTS tombstones (id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS tombstones_seq ON tombstones(seq);
        CREATE VIRTUAL TABLE IF NOT EXISTS documents USING fts5(document, tokenize = 'porter unicode61');
        """;

    public const string SpecKey = "spec";
    public const string SequenceKey = "sequence";

    /// <summary>The last integer key handed out by <see cref="IVectorCollection.ReserveKeysAsync"/>.</summary>
    public const string KeyCounterKey = "key_counter";
}
