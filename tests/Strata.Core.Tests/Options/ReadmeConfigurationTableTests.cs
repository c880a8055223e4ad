using System.Globalization;
using System.Text.RegularExpressions;
using Strata.Core.Options;

namespace Strata.Core.Tests.Options;

/// <summary>The README's configuration table lists exactly the keys the options classes bind, with their defaults.</summary>
public sealed partial class ReadmeConfigurationTableTests
{
    // Keys whose names are the user's (a provider's name) or that belong to the logging framework, not an options class.
    private static readonly string[] NotOptions = ["Providers:"];

    [Fact]
    public void Every_bound_key_is_in_the_table_with_its_default()
    {
        var documented = ReadTable();

        foreach (var key in StrataOptionSections.AllKeys)
        {
            Assert.True(documented.TryGetValue(key.Key, out var readmeDefault), $"README's configuration table lacks {key.Key}.");
            Assert.True(Normalise(readmeDefault) == Normalise(key.Default), $"README gives {key.Key} the default '{readmeDefault}', the options class '{key.Default}'.");
        }
    }

    [Fact]
    public void Every_key_in_the_table_is_bound_by_an_options_class()
    {
        var bound = StrataOptionSections.AllKeys.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

        var unknown = ReadTable().Keys.Where(key => !bound.Contains(key) && !NotOptions.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))).ToList();

        Assert.Empty(unknown);
    }

    private static Dictionary<string, string> ReadTable()
    {
        var readme = File.ReadAllLines(FindReadme());
        var start = Array.FindIndex(readme, line => line.StartsWith("| key | default | meaning |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no configuration table.");
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in readme.Skip(start + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var key = KeyCell().Match(cells[1]);
            Assert.True(key.Success, $"Row without a key: {line}");
            table[key.Groups[1].Value] = cells[2];
        }

        return table;
    }

    // "8 MiB" is 8388608, "1,000,000" is 1000000, "none (`$STRATA_HOME/data`)" is none.
    private static string Normalise(string value)
    {
        var text = value.Replace("`", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim();
        var bracket = text.IndexOf(" (", StringComparison.Ordinal);
        text = bracket > 0 ? text[..bracket] : text;
        return Mebibytes().Match(text) is { Success: true } mib
            ? (long.Parse(mib.Groups[1].Value, CultureInfo.InvariantCulture) << 20).ToString(CultureInfo.InvariantCulture)
            : text;
    }

    private static string FindReadme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var readme = Path.Combine(folder.FullName, "README.md");
            if (File.Exists(readme) && File.Exists(Path.Combine(folder.FullName, "Strata.slnx")))
            {
                return readme;
            }
        }

        throw new FileNotFoundException("README.md of the repository was not found above the test's folder.");
    }

    [GeneratedRegex("^`([^`]+)`")]
    private static partial Regex KeyCell();

    [GeneratedRegex(@"^(\d+) MiB$")]
    private static partial Regex Mebibytes();
}
