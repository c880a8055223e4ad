namespace Strata.Models.HuggingFace;

/// <summary>
/// The rules behind <see cref="HubReference.Parse"/>. Owner and repository names follow the Hub's own validation
/// (letters, digits, <c>- _ .</c>, at most 96 characters, no <c>--</c> or <c>..</c>, not starting or ending with
/// <c>-</c> or <c>.</c>); paths and revisions are checked so they can never climb out of the repository URL.
/// </summary>
internal static class HubReferenceParser
{
    private const int MaxNameLength = 96;
    private const int MaxPathLength = 1024;
    private const int MaxRevisionLength = 256;

    public static bool TryParse(string? text, out HubReference reference, out string? problem)
    {
        reference = null!;
        problem = Check(text, out var owner, out var repository, out var path, out var revision);
        if (problem is not null)
        {
            return false;
        }

        reference = new HubReference(owner, repository, path, revision);
        return true;
    }

    public static string Describe(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var printable = new string(value.Take(120).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 120 ? printable + "…" : printable;
    }

    private static string? Check(string? text, out string owner, out string repository, out string? path, out string revision)
    {
        owner = repository = revision = "";
        path = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "it is empty";
        }

        if (!text.StartsWith(HubReference.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return $"it must start with {HubReference.Scheme} (for example hf://owner/repo)";
        }

        var rest = text[HubReference.Scheme.Length..];
        if (rest.Any(char.IsControl))
        {
            return "it contains control characters";
        }

        if (rest.IndexOfAny(['\\', '?', '#']) >= 0)
        {
            return "backslashes, '?' and '#' are not allowed";
        }

        // The revision is whatever follows the last '@', so a path that itself contains '@' still works
        // when the reference ends with an explicit @revision.
        revision = HubReference.DefaultRevision;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            revision = rest[(at + 1)..];
            rest = rest[..at];
            var revisionProblem = CheckRevision(revision);
            if (revisionProblem is not null)
            {
                return revisionProblem;
            }
        }

        var segments = rest.Split('/');
        if (segments.Length < 2 || segments[0].Length == 0 || segments[1].Length == 0)
        {
            return "it must name a repository as hf://owner/repo";
        }

        owner = segments[0];
        repository = segments[1];
        var nameProblem = CheckName(owner, "owner") ?? CheckName(repository, "repository");
        if (nameProblem is not null)
        {
            return nameProblem;
        }

        var pathSegments = segments.Skip(2).ToList();
        if (pathSegments.Count > 0 && pathSegments[^1].Length == 0)
        {
            // A trailing slash just marks a folder.
            pathSegments.RemoveAt(pathSegments.Count - 1);
        }

        if (pathSegments.Count == 0)
        {
            return null;
        }

        if (pathSegments.Any(segment => segment is "" or "." or ".."))
        {
            return "a path inside the repository cannot have empty, '.' or '..' segments";
        }

        path = string.Join('/', pathSegments);
        return path.Length > MaxPathLength ? $"the path is longer than {MaxPathLength} characters" : null;
    }

    private static string? CheckName(string name, string what)
    {
        if (name.Length > MaxNameLength)
        {
            return $"the {what} name is longer than {MaxNameLength} characters";
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"the {what} name '{name}' may only contain letters, digits, '-', '_' and '.'";
        }

        if (name[0] is '-' or '.' || name[^1] is '-' or '.')
        {
            return $"the {what} name '{name}' cannot start or end with '-' or '.'";
        }

        return name.Contains("--", StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal)
            ? $"the {what} name '{name}' cannot contain '--' or '..'"
            : null;
    }

    private static string? CheckRevision(string revision)
    {
        if (revision.Length == 0)
        {
            return "the revision after '@' is empty";
        }

        if (revision.Length > MaxRevisionLength)
        {
            return $"the revision is longer than {MaxRevisionLength} characters";
        }

        if (!revision.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
        {
            return $"the revision '{revision}' may only contain letters, digits, '-', '_', '.' and '/'";
        }

        return revision.Split('/').Any(segment => segment is "" or "." or "..")
            ? $"the revision '{revision}' cannot have empty, '.' or '..' segments"
            : null;
    }
}
