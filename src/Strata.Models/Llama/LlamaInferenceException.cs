namespace Strata.Models.Llama;

/// <summary>llama.cpp failed to decode a batch (for example it ran out of memory); the requests in that batch fail with it.</summary>
public sealed class LlamaInferenceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlamaInferenceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlamaInferenceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LlamaInferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
