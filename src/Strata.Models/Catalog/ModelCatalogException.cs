using Strata.Core.Errors;
using Strata.Models.Store;

namespace Strata.Models.Catalog;

/// <summary>A model reference cannot be resolved to a client of the kind asked for; the message says why.</summary>
public sealed class ModelCatalogException : ModelStoreException
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ModelCatalogException(string message)
        : base(message)
    {
        Kind = StrataErrorKind.NotFound;
        Param = "model";
    }
}
