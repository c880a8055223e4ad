using Microsoft.Data.Sqlite;
using Strata.Data.Collections;

namespace Strata.Data.Embedded;

/// <summary>Snapshots through SQLite's online backup API: consistent even while other connections write.</summary>
public sealed partial class EmbeddedCollection
{
    /// <summary>
    /// Writes a consistent copy of the collection to <paramref name="snapshotPath"/> (a SQLite file) and the index beside it
    /// (<c>.hnsw</c>) when the index matches the copy. Written to temporary files and renamed, so a snapshot is whole or absent.
    /// </summary>
    public Task SnapshotAsync(string snapshotPath, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Snapshot(snapshotPath), cancellationToken);

    private void Snapshot(string snapshotPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        var full = Path.GetFullPath(snapshotPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                File.Delete(temporary);
                using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
                {
                    destination.Open();
                    connection.BackupDatabase(destination);
                    // A snapshot is a single self-contained file: leave WAL mode so no -wal file is needed beside it.
                    SqliteStore.Execute(destination, "PRAGMA journal_mode = DELETE");
                }

                using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
                {
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, full, overwrite: true);
                CatchUp();
                var indexCopy = Path.ChangeExtension(full, ".hnsw");
                File.Delete(indexCopy);
                // The backup ran under our lock, so the caught-up index matches it unless another process wrote meanwhile;
                // the high-water mark check on restore discards a mismatched index anyway.
                index.Save(indexCopy);
            }
            catch (SqliteException e)
            {
                File.Delete(temporary);
                throw SqliteStore.Explain(e, Name);
            }
        }
    }
}
