namespace Strata.Models.Llama;

/// <summary>llama.cpp could not load a GGUF file that passed managed validation; the message carries llama.cpp's own log.</summary>
public sealed class LlamaModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlamaModelLoadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlamaModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LlamaModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
