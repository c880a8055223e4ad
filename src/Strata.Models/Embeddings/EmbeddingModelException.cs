namespace Strata.Models.Embeddings;

/// <summary>An embedding model cannot be used: a file is missing, damaged or of a kind Strata does not run.</summary>
public sealed class EmbeddingModelException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong and what to do.</summary>
    public EmbeddingModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public EmbeddingModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
