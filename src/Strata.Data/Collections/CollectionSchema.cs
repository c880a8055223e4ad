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
        """ + SourceTexts;

    // The text of each source document (the records whose metadata names the same "source", in write order) for
    // document-level BM25 in hybrid search. sources gives each document a rowid, so a refresh deletes from the FTS5 table
    // by rowid instead of scanning it; records_source finds a document's records. The expression must stay identical to
    // the one the queries use, or SQLite will not use the index.
    public const string SourceTexts = """
        CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE);
        CREATE VIRTUAL TABLE IF NOT EXISTS source_texts USING fts5(text, tokenize = 'porter unicode61');
        CREATE INDEX IF NOT EXISTS records_source ON records(json_extract(metadata, '$.source'));
        """;

    /// <summary>Present once <c>source_texts</c> holds every source's text (files written before it are filled on open).</summary>
    public const string SourceTextsKey = "source_texts";

    public const string SpecKey = "spec";
    public const string SequenceKey = "sequence";

    /// <summary>The last integer key handed out by <see cref="IVectorCollection.ReserveKeysAsync"/>.</summary>
    public const string KeyCounterKey = "key_counter";
}
