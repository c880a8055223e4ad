using Strata.Core.Errors;

namespace Strata.Models.Runners;

/// <summary>
/// A model's runner could not be started, died, or the model is marked failing after repeated crashes. The server
/// answers 503 (the model is unavailable, the server is not), the CLI one line and a non-zero exit code.
/// </summary>
public sealed class ModelRunnerException : StrataException
{
    /// <summary>Creates the exception.</summary>
    public ModelRunnerException()
        : this("The model runner failed.")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public ModelRunnerException(string message)
        : base(StrataErrorKind.Unavailable, message)
    {
        Param = "model";
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelRunnerException(string message, Exception innerException)
        : base(StrataErrorKind.Unavailable, message, innerException)
    {
        Param = "model";
    }
}
