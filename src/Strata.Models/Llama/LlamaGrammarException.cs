namespace Strata.Models.Llama;

/// <summary>
/// The grammar that would constrain a request's output (a tool's parameters, a response format's JSON schema) could
/// not be built, or was refused by the managed GBNF check or by llama.cpp's own parser. Raised before any token is
/// decoded, so the request fails alone and the model keeps serving others. It is a <see cref="NotSupportedException"/>:
/// the request asked for something this runtime cannot constrain, which servers answer as a client error.
/// </summary>
public sealed class LlamaGrammarException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public LlamaGrammarException()
    {
    }

    /// <summary>Creates the exception with a message that names the tool or schema keyword at fault.</summary>
    public LlamaGrammarException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public LlamaGrammarException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
