namespace Strata.Models.Llama;

/// <summary>
/// A request needs more tokens than the context holds. Thrown before any generation, instead of silently
/// dropping the start of the prompt or cutting the answer short.
/// </summary>
public sealed class ContextWindowExceededException : InvalidOperationException
{
    /// <summary>Creates the exception from the numbers that did not fit.</summary>
    public ContextWindowExceededException(int promptTokens, int maxOutputTokens, int contextSize)
        : this(promptTokens, maxOutputTokens, contextSize, contextSize, null)
    {
    }

    /// <summary>
    /// Creates the exception for a context that is the smaller of <paramref name="configuredSize"/> and the model's
    /// <paramref name="trainedSize"/>; the message names both, so the reader knows which one to change.
    /// </summary>
    public ContextWindowExceededException(int promptTokens, int maxOutputTokens, int contextSize, int configuredSize, int? trainedSize)
        : base($"The request needs {promptTokens} prompt tokens + {maxOutputTokens} output tokens = {promptTokens + maxOutputTokens}, " +
               $"which is {promptTokens + maxOutputTokens - contextSize} over the context size of {contextSize} " +
               $"(the smaller of the configured {configuredSize} and the {(trainedSize is { } trained ? trained.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")} the model was trained for). " +
               (configuredSize > contextSize
                   ? "Shorten the conversation or lower MaxOutputTokens; this model cannot take a longer context."
                   : "Shorten the conversation, lower MaxOutputTokens or raise the context size."))
    {
        PromptTokens = promptTokens;
        MaxOutputTokens = maxOutputTokens;
        ContextSize = contextSize;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ContextWindowExceededException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ContextWindowExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContextWindowExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Tokens in the rendered prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>The most tokens the request may generate.</summary>
    public int MaxOutputTokens { get; }

    /// <summary>The context size one request may use.</summary>
    public int ContextSize { get; }

    /// <summary>How many tokens the request is over the context size.</summary>
    public int TokensOver => PromptTokens + MaxOutputTokens - ContextSize;
}
