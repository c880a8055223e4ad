using Strata.Core.Errors;

namespace Strata.Data;

/// <summary>
/// A request the data layer refuses (unknown collection, wrong dimension, invalid filter, busy store...).
/// The message says what is wrong; nothing was written when it is thrown from a write.
/// </summary>
public class StrataDataException : StrataException
{
    /// <summary>Creates the exception.</summary>
    public StrataDataException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StrataDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StrataDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
