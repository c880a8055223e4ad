using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Strata.Core;

/// <summary>Hides secret values when configuration is shown to a person or written to a log.</summary>
public static partial class SecretMasking
{
    /// <summary>What a secret value is shown as.</summary>
    public const string Mask = "********";

    /// <summary>
    /// Whether <paramref name="key"/> names a secret: any path segment that is or ends with
    /// token, key(s), secret, password or connection string.
    /// </summary>
    public static bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Split(':').Any(segment => SecretSegment().IsMatch(segment));
    }

    /// <summary>
    /// The effective configuration as sorted key/value pairs with secrets masked: every key set somewhere, and every
    /// options key left at its default (<see cref="Options.StrataOptionSections"/>).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Flatten(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var set = configuration.AsEnumerable().Where(pair => pair.Value is not null).ToList();
        var keys = set.Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var defaults = Options.StrataOptionSections.AllKeys
            .Where(key => key.Default != "none" && !keys.Contains(key.Key) && !keys.Any(k => k.StartsWith(key.Key + ":", StringComparison.OrdinalIgnoreCase)))
            .Select(key => KeyValuePair.Create(key.Key, (string?)key.Default));
        return set.Concat(defaults)
            .Select(pair => new KeyValuePair<string, string?>(pair.Key, IsSecret(pair.Key) && pair.Value!.Length > 0 ? Mask : pair.Value))
            .OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    [GeneratedRegex("(token|apikeys?|keys?|secret|password|connectionstring)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretSegment();
}
