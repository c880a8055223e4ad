using Strata.Data.Collections;
using Strata.Core;

namespace Strata.Data.Ingestion;

/// <summary>
/// Drops a collection with everything that belongs to it: the CLI's <c>strata collections drop</c> and the server's
/// <c>DELETE /api/collections/{name}</c> both come here, so they cannot drift apart.
/// </summary>
public static class CollectionDrop
{
    /// <summary>
    /// Deletes collection <paramref name="name"/>, then its ingestion ledger and its uploaded documents. The ledger
    /// records which documents the dropped records came from, by content hash: left behind, it would make a new
    /// collection of the same name skip those documents as unchanged although it holds none of their chunks.
    /// </summary>
    /// <param name="database">The database holding the collection.</param>
    /// <param name="paths">Where the ledgers and uploads live.</param>
    /// <param name="name">The collection.</param>
    /// <param name="cancellationToken">Cancels the drop before it reaches the database.</param>
    /// <returns>False when no such collection existed; then nothing is deleted.</returns>
    public static async Task<bool> DropWithIngestionFilesAsync(this IVectorDatabase database, StrataPaths paths, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        // Collection first: a failure after it leaves at worst an orphaned ledger, never records without their ledger.
        if (!await database.DropAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var ledger = IngestionPaths.Ledger(paths, name);
        foreach (var file in new[] { ledger, ledger + "-wal", ledger + "-shm", ledger + "-journal" }.Where(File.Exists))
        {
            File.Delete(file);
        }

        var uploads = IngestionPaths.Uploads(paths, name);
        if (Directory.Exists(uploads))
        {
            Directory.Delete(uploads, recursive: true);
        }

        return true;
    }
}
