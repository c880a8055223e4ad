namespace Strata.Core.Errors;

/// <summary>
/// A failure the user can act on, with a message that says what is wrong and a <see cref="Kind"/> that says how to
/// answer it. Layers derive their own exceptions from it; anything else that escapes is a bug.
/// </summary>
public class StrataException : Exception
{
    /// <summary>Creates an <see cref="StrataErrorKind.Invalid"/> error with no message.</summary>
    public StrataException()
    {
    }

    /// <summary>Creates an <see cref="StrataErrorKind.Invalid"/> error.</summary>
    public StrataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an <see cref="StrataErrorKind.Invalid"/> error with its cause.</summary>
    public StrataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error of <paramref name="kind"/>.</summary>
    public StrataException(StrataErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>How the error is answered.</summary>
    public StrataErrorKind Kind { get; init; } = StrataErrorKind.Invalid;

    /// <summary>The request field or configuration key at fault, when there is one.</summary>
    public string? Param { get; init; }
}
