using Strata.Core.Errors;

namespace Strata.Models.Store;

/// <summary>A model store operation failed for a reason the user can act on; the message says which.</summary>
public class ModelStoreException : StrataException
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ModelStoreException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public ModelStoreException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>No model of the requested name is in the store.</summary>
public sealed class ModelNotFoundException : ModelStoreException
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public ModelNotFoundException(string name)
        : base($"No model named '{name}' is in the store. 'strata models list' shows what is there.")
    {
        Kind = StrataErrorKind.NotFound;
        Param = "model";
        Name = name;
    }

    /// <summary>The name that was not found.</summary>
    public string Name { get; }
}
