using Strata.Core;

namespace Strata.Data.Ingestion;

/// <summary>
/// Where ingestion keeps what belongs to a collection, apart from the collection itself: its ledger,
/// <c>$STRATA_HOME/ingest/NAME.db</c>, and the documents uploaded to the server for it, <c>$STRATA_HOME/uploads/NAME/</c>.
/// </summary>
public static class IngestionPaths
{
    /// <summary>The ledger of collection <paramref name="collection"/>.</summary>
    public static string Ledger(StrataPaths paths, string collection)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Collections.CollectionSpec.ValidateName(collection);
        return Path.Combine(paths.Home, "ingest", Collections.CollectionNames.FileStem(collection) + ".db");
    }

    /// <summary>The folder of the documents uploaded for collection <paramref name="collection"/>.</summary>
    public static string Uploads(StrataPaths paths, string collection)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Collections.CollectionSpec.ValidateName(collection);
        return Path.Combine(paths.Home, "uploads", Collections.CollectionNames.FileStem(collection));
    }
}
