namespace Strata.Orchestration.Prompts;

/// <summary>A prompt template that cannot be found, parsed or rendered; says which template, where it came from and on which line.</summary>
public sealed class PromptTemplateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PromptTemplateException(string message, string templateName, string origin, int? line = null, Exception? innerException = null)
        : base(message, innerException)
    {
        TemplateName = templateName;
        Origin = origin;
        Line = line;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public PromptTemplateException(string message)
        : this(message, "", "")
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PromptTemplateException(string message, Exception innerException)
        : this(message, "", "", null, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public PromptTemplateException()
        : this("The prompt template failed.")
    {
    }

    /// <summary>The template's name, such as <c>rag-answer</c>.</summary>
    public string TemplateName { get; }

    /// <summary>The file it was read from, or <c>built-in</c>.</summary>
    public string Origin { get; }

    /// <summary>The 1-based line of a syntax error, when the parser reported one.</summary>
    public int? Line { get; }
}
