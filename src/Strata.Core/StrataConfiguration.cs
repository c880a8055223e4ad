using Microsoft.Extensions.Configuration;
using Strata.Core.Options;

namespace Strata.Core;

/// <summary>
/// Builds Strata's effective configuration in the documented order, later sources winning:
/// built-in defaults, then <c>$STRATA_HOME/strata.json</c>, then the Hugging Face environment variables
/// (<c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HUB_OFFLINE</c>), then <c>STRATA__Section__Key</c> environment
/// variables, then command-line options.
/// </summary>
public static class StrataConfiguration
{
    /// <summary>The prefix of environment variables that set configuration keys.</summary>
    public const string EnvironmentPrefix = "STRATA__";

    /// <summary>
    /// The built-in defaults, the lowest layer: only the log levels. Every other default is written once, on its
    /// options class's property (<see cref="StrataOptionSections"/>), where <c>strata config show</c> reads it.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>
    {
        // Request-by-request framework logs drown out what matters; errors and Strata's own messages remain.
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Builds the configuration for <paramref name="paths"/>.</summary>
    /// <param name="paths">Where <c>strata.json</c> lives.</param>
    /// <param name="commandLine">Keys set by command-line options (for example <c>Server:Urls</c> from <c>--urls</c>).</param>
    public static IConfigurationRoot Build(StrataPaths paths, IReadOnlyDictionary<string, string?>? commandLine = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(Defaults)
            .AddJsonFile(paths.ConfigFile, optional: true, reloadOnChange: false)
            .AddInMemoryCollection(HuggingFaceEnvironment())
            .AddEnvironmentVariables(EnvironmentPrefix);
        if (commandLine is not null)
        {
            builder.AddInMemoryCollection(commandLine);
        }

        return builder.Build();
    }

    /// <summary>The Hugging Face tools' own variables, so a user's existing setup works unchanged.</summary>
    private static Dictionary<string, string?> HuggingFaceEnvironment()
    {
        var values = new Dictionary<string, string?>();
        AddIfSet(values, "HuggingFace:Endpoint", "HF_ENDPOINT");
        AddIfSet(values, "HuggingFace:Token", "HF_TOKEN");
        var offline = Environment.GetEnvironmentVariable("HF_HUB_OFFLINE");
        if (!string.IsNullOrEmpty(offline))
        {
            values["HuggingFace:Offline"] = offline is "1" or "true" or "TRUE" or "True" or "yes" ? "true" : "false";
        }

        return values;
    }

    private static void AddIfSet(Dictionary<string, string?> values, string key, string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value))
        {
            values[key] = value;
        }
    }
}
