using Strata.Models.Store;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's model names (<c>NAME[:TAG]</c>, <c>hf.co/OWNER/REPO[:QUANT]</c>) onto Strata's references: the name as
/// given when it is stored; else without the <c>:latest</c> tag Ollama's clients add; else normalised as a pull
/// stores it (lowercase). Anything else is passed on as it is, so built-in and remote models resolve as usual.
/// </summary>
internal static class OllamaNames
{
    private const string LatestTag = ":latest";

    public static string Resolve(string name, ModelStore store)
    {
        // Find refuses names that are not valid store names (upper case, say), so only valid candidates are tried.
        foreach (var candidate in Candidates(name).Where(candidate => ModelName.Validate(candidate) is null))
        {
            if (store.Find(candidate) is not null)
            {
                return candidate;
            }
        }

        return name.EndsWith(LatestTag, StringComparison.Ordinal) ? name[..^LatestTag.Length] : name;
    }

    private static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        var untagged = name.EndsWith(LatestTag, StringComparison.Ordinal) ? name[..^LatestTag.Length] : name;
        yield return untagged;
        yield return ModelName.Normalize(untagged);
    }
}
