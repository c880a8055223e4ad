using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Monitoring.Telemetry;
using Strata.Server;

namespace Strata.Cli;

/// <summary>
/// What a command needs from its environment: Strata's paths, the effective configuration and the services of every
/// layer, from the same composition root as <c>strata serve</c> (<see cref="StrataServiceCollectionExtensions.AddStrata"/>),
/// so model calls made here are traced and counted in <c>strata usage</c> like the server's.
/// </summary>
internal sealed class CliContext : IAsyncDisposable
{
    // Contexts made while a command runs; CliAction disposes them when it ends, which flushes the telemetry they recorded.
    private static readonly List<CliContext> Created = [];
    private readonly IServiceCollection registrations;
    private ServiceProvider? services;
    private IDisposable[]? telemetry;

    private CliContext(StrataPaths paths, IConfigurationRoot configuration)
    {
        Paths = paths;
        Configuration = configuration;
        // Registering binds and validates every options section now, so a bad key fails the command before it starts.
        registrations = new ServiceCollection()
            .AddSingleton(paths)
            .AddLogging(Configure)
            .AddStrata(configuration);
    }

    public StrataPaths Paths { get; }

    public IConfigurationRoot Configuration { get; }

    /// <summary>
    /// The layers wired as the server wires them, without starting telemetry: for what makes no model call and
    /// writes no span (reading the store, listing models). Everything else goes through <see cref="Get{T}"/>.
    /// </summary>
    public IServiceProvider Services => services ??= registrations.BuildServiceProvider();

    /// <summary>The model store (reading it records nothing, so telemetry is not started for it).</summary>
    public ModelStore Store => Services.GetRequiredService<ModelStore>();

    /// <summary>Resolves model references to clients (local, built-in, remote); telemetry starts with it.</summary>
    public ModelCatalog Catalog => Get<ModelCatalog>();

    /// <summary>The bound <c>Models</c> section (default models).</summary>
    public ModelsOptions Models => Services.GetRequiredService<ModelsOptions>();

    /// <summary>A service of any layer, with tracing and metrics started so that what it does is recorded.</summary>
    public T Get<T>()
        where T : notnull
    {
        StartTelemetry();
        return Services.GetRequiredService<T>();
    }

    /// <summary>
    /// Builds the context for a parsed command line. <paramref name="commandOptions"/> are the keys this command's own
    /// options set (for example <c>--urls</c> sets <c>Server:Urls</c>); <c>--set</c> pairs come after them and win.
    /// </summary>
    /// <exception cref="Core.Errors.StrataConfigurationException">A configuration value is invalid; the message names its key.</exception>
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
        var context = new CliContext(paths, StrataConfiguration.Build(paths, overrides));
        lock (Created)
        {
            Created.Add(context);
        }

        return context;
    }

    /// <summary>Disposes every context the command made: models unload, and the last spans and metrics are written.</summary>
    public static async Task ReleaseAllAsync()
    {
        CliContext[] contexts;
        lock (Created)
        {
            contexts = [.. Created];
            Created.Clear();
        }

        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The models first (their last calls end their spans), then the providers, which write what they hold.
        var providers = telemetry ?? [];
        telemetry = null;
        if (services is not null)
        {
            await services.DisposeAsync();
            services = null;
        }

        foreach (var provider in providers)
        {
            provider.Dispose();
        }
    }

    // Commands print their own results and their own one-line errors; the log keeps to Strata's warnings and errors, on
    // standard error. Library logs (Microsoft.Extensions.AI logs every failed call with its stack trace) only with
    // STRATA_DEBUG=1, which also shows Strata's debug messages.
    private static void Configure(ILoggingBuilder logging)
    {
        var debug = Environment.GetEnvironmentVariable("STRATA_DEBUG") == "1";
        var minimum = debug ? LogLevel.Debug : LogLevel.Warning;
        logging
            .SetMinimumLevel(minimum)
            // A filter function replaces the minimum level for the categories it covers, so it checks the level too.
            .AddFilter((category, level) => level >= minimum && (debug || category?.StartsWith("Strata", StringComparison.Ordinal) == true))
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    // A host starts telemetry as hosted services (AddStrataTelemetry); the command line has none and starts the providers
    // itself, only for commands that use a layer's services: they cost about 140 ms of start-up, which a command that
    // only reads the store (`models list`) does not need to pay.
    private void StartTelemetry()
    {
        if (telemetry is null)
        {
            var options = Services.GetRequiredService<TelemetryOptions>();
            var store = Services.GetRequiredService<TraceStore>();
            telemetry = [StrataTelemetry.CreateTracerProvider(options, store), StrataTelemetry.CreateMeterProvider(options, store)];
        }
    }
}
