using System.Globalization;

namespace Strata.Orchestration.Rag;

/// <summary>
/// The ranges of k that the CLI (<c>strata ask</c>, <c>strata search</c>) and the server (<c>/api/collections/{name}/ask</c>,
/// <c>…/search</c>) both enforce, written once so the two accept the same values and refuse the others in the same
/// words. Both refuse a value out of range rather than clamp it: a silently changed k changes the answer.
/// </summary>
public static class RagLimits
{
    /// <summary>The fewest passages an answer retrieves.</summary>
    public const int MinK = 1;

    /// <summary>
    /// The most passages an answer retrieves. Passages are fitted to <see cref="RagOptions.ContextTokens"/> after
    /// retrieval, and at the default 2,048 tokens a few dozen chunks of 254 tokens already overflow it.
    /// </summary>
    public const int MaxK = 50;

    /// <summary>The passages an answer retrieves when the caller names no k.</summary>
    public const int DefaultK = 6;

    /// <summary>The fewest hits a search returns.</summary>
    public const int MinSearchK = 1;

    /// <summary>The most hits one search returns; a caller wanting more pages through records instead.</summary>
    public const int MaxSearchK = 1000;

    /// <summary>The hits a search returns when the caller names no k.</summary>
    public const int DefaultSearchK = 10;

    /// <summary>Null when <paramref name="k"/> is a valid k for an answer; else what is wrong, naming <paramref name="field"/>.</summary>
    public static string? CheckK(int k, string field) => Check(k, MinK, MaxK, field);

    /// <summary>Null when <paramref name="k"/> is a valid k for a search; else what is wrong, naming <paramref name="field"/>.</summary>
    public static string? CheckSearchK(int k, string field) => Check(k, MinSearchK, MaxSearchK, field);

    private static string? Check(int value, int min, int max, string field) =>
        value >= min && value <= max ? null : string.Create(CultureInfo.InvariantCulture, $"{field} must be between {min} and {max}, got {value}.");
}
