namespace Strata.Models.HuggingFace;

/// <summary>
/// A parsed <c>hf://OWNER/REPO[/PATH/IN/REPO][@REVISION]</c> reference.
/// </summary>
/// <param name="Owner">The user or organisation that owns the repository.</param>
/// <param name="Repository">The repository's name.</param>
/// <param name="Path">A file or folder inside the repository, with forward slashes, or null for the whole repository.</param>
/// <param name="Revision">A branch, tag or commit; <c>main</c> when the reference names none.</param>
public sealed record HubReference(string Owner, string Repository, string? Path, string Revision)
{
    /// <summary>The scheme every reference starts with.</summary>
    public const string Scheme = "hf://";

    /// <summary>The revision used when a reference names none.</summary>
    public const string DefaultRevision = "main";

    /// <summary>The Hub's repository id, <c>OWNER/REPO</c>.</summary>
    public string RepositoryId => $"{Owner}/{Repository}";

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The reference is malformed; the message says how.</exception>
    public static HubReference Parse(string? text) =>
        HubReferenceParser.TryParse(text, out var reference, out var problem)
            ? reference
            : throw new FormatException($"'{HubReferenceParser.Describe(text)}' is not a Hugging Face reference: {problem}.");

    /// <summary>Parses <paramref name="text"/>, returning false (and why) when it is malformed.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubReference? reference, out string? problem)
    {
        var parsed = HubReferenceParser.TryParse(text, out var result, out problem);
        reference = parsed ? result : null;
        return parsed;
    }

    /// <summary>The reference written back as <c>hf://</c> text, revision included.</summary>
    public override string ToString() =>
        $"{Scheme}{RepositoryId}{(Path is null ? "" : "/" + Path)}@{Revision}";
}
