using Strata.Models.Configuration;

namespace Strata.Data.Ingestion;

/// <summary>Where ingestion keeps its per-collection ledgers: <c>$STRATA_HOME/ingest/NAME.db</c>, apart from the collections.</summary>
public static class IngestionPaths
{
    /// <summary>The ledger of collection <paramref name="collection"/>.</summary>
    public static string Ledger(StrataPaths paths, string collection)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Collections.CollectionSpec.ValidateName(collection);
        return Path.Combine(paths.Home, "ingest", collection + ".db");
    }
}
