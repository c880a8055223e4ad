using Strata.Core.Errors;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// The model's answers did not validate against the request's schema in any of the allowed attempts. Servers answer
/// it with 422: the request was valid, but no output that keeps its promise could be produced, and an invalid one is
/// never passed off as finished.
/// </summary>
public sealed class StructuredOutputException : StrataException
{
    /// <summary>Creates the exception naming the attempts and the last answer's problems.</summary>
    public StructuredOutputException(int attempts, IReadOnlyList<string> problems)
        : base($"The model's output did not validate against the requested schema in {attempts} attempt(s): {string.Join("; ", problems ?? [])}. " +
               "Simplify the schema, or use a larger model.")
    {
        Attempts = attempts;
        Param = "response_format";
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StructuredOutputException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StructuredOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public StructuredOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many answers were generated and rejected.</summary>
    public int Attempts { get; }
}
