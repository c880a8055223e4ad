namespace Strata.Models.HuggingFace;

/// <summary>What to pull and how: the parsed form of <c>strata pull hf://… [--name] [--file] [--offline]</c>.</summary>
public sealed record HubPullRequest
{
    /// <summary>The repository, optional path and revision to pull.</summary>
    public required HubReference Reference { get; init; }

    /// <summary>The model's name in the store; by default the repository id, normalised.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The file to take when a repository (or the folder named by the reference's path) holds several GGUF files:
    /// its path in the repository or its file name.
    /// </summary>
    public string? File { get; init; }

    /// <summary>Make no request; succeed only when the model is already stored.</summary>
    public bool Offline { get; init; }

    /// <summary>
    /// Asks the user to choose among several GGUF files (the CLI prompts on a terminal); return null to choose none.
    /// Without a chooser the pull fails, listing the choices.
    /// </summary>
    public Func<IReadOnlyList<HubFile>, HubFile?>? Chooser { get; init; }

    /// <summary>The name the model will have in the store.</summary>
    public string TargetName => Name ?? Store.ModelName.Normalize(Reference.RepositoryId);
}
