namespace Strata.Monitoring.Runs;

/// <summary>What a new run is.</summary>
public sealed record RunStartOptions
{
    /// <summary>The project (groups runs for listing and comparing).</summary>
    public required string Project { get; init; }

    /// <summary>The display name; a generated one when left out.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The configuration and hyperparameters: any object serialisable with System.Text.Json (a record, a dictionary,
    /// a <see cref="System.Text.Json.Nodes.JsonObject"/>). Stored as JSON.
    /// </summary>
    public object? Config { get; init; }

    /// <summary>Free-form labels.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
