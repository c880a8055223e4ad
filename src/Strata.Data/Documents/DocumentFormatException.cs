namespace Strata.Data.Documents;

/// <summary>Thrown by a parser when a file's content is not what its format promises; the loader turns it into a failure.</summary>
public sealed class DocumentFormatException : Exception
{
    /// <summary>Creates the exception with a reason a user can act on.</summary>
    public DocumentFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the error that revealed it.</summary>
    public DocumentFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public DocumentFormatException()
        : base("The document's content does not match its format.")
    {
    }
}
