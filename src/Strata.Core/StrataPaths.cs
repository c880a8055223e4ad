namespace Strata.Core;

/// <summary>
/// The folders and files Strata keeps under <c>STRATA_HOME</c> (default <c>~/.strata</c>).
/// Every layer takes its locations from here so the on-disk layout is defined once.
/// </summary>
public sealed class StrataPaths
{
    /// <summary>The environment variable that names Strata's home folder.</summary>
    public const string HomeVariable = "STRATA_HOME";

    /// <summary>Creates the layout rooted at <paramref name="home"/>.</summary>
    public StrataPaths(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Home = Path.GetFullPath(home);
    }

    /// <summary>The home folder itself.</summary>
    public string Home { get; }

    /// <summary>The user's configuration file, <c>strata.json</c>.</summary>
    public string ConfigFile => Path.Combine(Home, "strata.json");

    /// <summary>The model store: content-addressed blobs and manifests.</summary>
    public string Models => Path.Combine(Home, "models");

    /// <summary>Vector collections.</summary>
    public string Data => Path.Combine(Home, "data");

    /// <summary>Experiment runs and their artifacts.</summary>
    public string Runs => Path.Combine(Home, "runs");

    /// <summary>Logs Strata writes beside its data, such as each model runner's output (<c>logs/runners/MODEL.log</c>).</summary>
    public string Logs => Path.Combine(Home, "logs");

    /// <summary>The local trace store.</summary>
    public string TracesDatabase => Path.Combine(Home, "traces.db");

    /// <summary>
    /// Resolves the home folder from <c>STRATA_HOME</c>, falling back to <c>~/.strata</c>.
    /// </summary>
    /// <param name="environmentValue">The value of <c>STRATA_HOME</c>, or null to read the process environment.</param>
    public static StrataPaths FromEnvironment(string? environmentValue = null)
    {
        var home = environmentValue ?? Environment.GetEnvironmentVariable(HomeVariable);
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".strata");
        }

        return new StrataPaths(home);
    }
}
