using System.Text;

namespace Strata.Models.Store;

/// <summary>
/// Model names as users type them (<c>minilm</c>, <c>tiny</c>, <c>owner/repo</c>, <c>qwen2.5:0.5b-q4_k_m</c>)
/// and the manifest file each maps to.
/// </summary>
public static class ModelName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Checks <paramref name="name"/> and returns null when it is valid, else the reason it is not.
    /// Names are lowercase letters, digits and <c>. _ - : /</c>; a segment between slashes is never empty, <c>.</c> or <c>..</c>.
    /// </summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a model name must not be empty";
        }

        if (name.Length > MaxLength)
        {
            return $"a model name is at most {MaxLength} characters";
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or ':' or '/'))
            {
                return $"'{c}' is not allowed in a model name (use lowercase letters, digits and . _ - : /)";
            }
        }

        if (name.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return "a model name cannot have empty, '.' or '..' segments";
        }

        return null;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid model name.</summary>
    /// <exception cref="ModelStoreException">The name is not valid (an invalid-request error naming the model).</exception>
    public static string Require(string? name)
    {
        var problem = Validate(name);
        return problem is null ? name! : throw new ModelStoreException($"Invalid model name '{Shown(name)}': {problem}.") { Param = "model" };
    }

    /// <summary>A name as an error message shows it: at most 80 characters, control characters replaced.</summary>
    public static string Shown(string? name)
    {
        name ??= "";
        var shown = new string(name.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return name.Length > 80 ? shown + "…" : shown;
    }

    /// <summary>Turns a free-form name (a Hugging Face repository, a file name) into a valid model name.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or ':' or '/' ? c : '-');
        }

        var segments = builder.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(segment => segment.Trim('.'))
            .Where(segment => segment.Length > 0);
        var normalized = string.Join('/', segments);
        return normalized.Length == 0 ? "model" : normalized[..Math.Min(normalized.Length, MaxLength)];
    }

    /// <summary>
    /// The manifest file name for a valid name: every character outside <c>[a-z0-9._-]</c> percent-encoded,
    /// so a name never creates folders or escapes the manifest folder.
    /// </summary>
    internal static string ToFileName(string name)
    {
        Require(name);
        var builder = new StringBuilder(name.Length + 5);
        foreach (var c in name)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.Append(".json").ToString();
    }
}
