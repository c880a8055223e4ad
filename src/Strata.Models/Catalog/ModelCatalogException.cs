using Strata.Models.Store;

namespace Strata.Models.Catalog;

/// <summary>A model reference cannot be resolved to a client of the kind asked for; the message says why.</summary>
public sealed class ModelCatalogException(string message) : ModelStoreException(message);
