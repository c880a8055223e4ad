using System.Diagnostics.CodeAnalysis;

namespace Strata.Data.Documents;

/// <summary>The outcome of loading one file or URL: the document, or the reason it could not be read.</summary>
public sealed class DocumentLoadResult
{
    private DocumentLoadResult(string source, LoadedDocument? document, string? failureReason)
    {
        Source = source;
        Document = document;
        FailureReason = failureReason;
    }

    /// <summary>The file path or URL that was loaded.</summary>
    public string Source { get; }

    /// <summary>The loaded document; set exactly when <see cref="IsSuccess"/> is true.</summary>
    public LoadedDocument? Document { get; }

    /// <summary>Why loading failed, in words a user can act on; set exactly when <see cref="IsSuccess"/> is false.</summary>
    public string? FailureReason { get; }

    /// <summary>Whether the document was loaded.</summary>
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(FailureReason))]
    public bool IsSuccess => Document is not null;

    /// <summary>A successful load.</summary>
    public static DocumentLoadResult Success(LoadedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new DocumentLoadResult(document.Source, document, null);
    }

    /// <summary>A failed load of <paramref name="source"/>, for <paramref name="reason"/>.</summary>
    public static DocumentLoadResult Failure(string source, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new DocumentLoadResult(source, null, reason);
    }

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"{Source}: loaded" : $"{Source}: failed ({FailureReason})";
}
