namespace Strata.Models.Formats.Gguf;

/// <summary>
/// A file is not a valid GGUF file. The message says what is wrong and at which byte offset,
/// so a user can tell a truncated download from a hostile or mislabelled file.
/// </summary>
public class GgufFormatException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public GgufFormatException()
        : base("the file is not a valid GGUF file")
    {
    }

    /// <summary>Creates an exception whose message says what is wrong.</summary>
    public GgufFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception whose message says what is wrong, wrapping the error that revealed it.</summary>
    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
