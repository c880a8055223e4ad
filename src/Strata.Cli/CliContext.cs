using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Models;
using Strata.Models.Catalog;
using Strata.Core;
using Strata.Models.Store;

namespace Strata.Cli;

/// <summary>What a command needs from its environment: Strata's paths, the effective configuration and the model store.</summary>
internal sealed class CliContext
{
    private IServiceProvider? services;

    private CliContext(StrataPaths paths, IConfigurationRoot configuration)
    {
        Paths = paths;
        Configuration = configuration;
        Store = new ModelStore(paths);
    }

    public StrataPaths Paths { get; }

    public IConfigurationRoot Configuration { get; }

    public ModelStore Store { get; }

    /// <summary>Resolves model references to clients (local, built-in, remote).</summary>
    public ModelCatalog Catalog => Services.GetRequiredService<ModelCatalog>();

    /// <summary>The layers wired as the server wires them, for commands that need more than the store.</summary>
    public IServiceProvider Services => services ??= new ServiceCollection()
        .AddSingleton(Paths)
        .AddSingleton<IConfiguration>(Configuration)
        .AddStrataModels(Configuration)
        .BuildServiceProvider();

    /// <summary>
    /// Builds the context for a parsed command line. <paramref name="commandOptions"/> are the keys this command's own
    /// options set (for example <c>--urls</c> sets <c>Server:Urls</c>); <c>--set</c> pairs come after them and win.
    /// </summary>
    public static CliContext Create(ParseResult parseResult, IReadOnlyDictionary<string, string?>? commandOptions = null)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in commandOptions ?? new Dictionary<string, string?>())
        {
            if (pair.Value is not null)
            {
                overrides[pair.Key] = pair.Value;
            }
        }

        foreach (var assignment in parseResult.GetValue(CliOptions.Set) ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--set expects Section:Key=Value, got '{assignment}'.");
            }

            overrides[assignment[..equals].Trim()] = assignment[(equals + 1)..];
        }

        var paths = StrataPaths.FromEnvironment();
        return new CliContext(paths, StrataConfiguration.Build(paths, overrides));
    }
}
