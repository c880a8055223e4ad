using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.VectorData;
using Strata.Core;
using Strata.Core.Options;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Postgres;
using Strata.Data.VectorData;

namespace Strata.Data;

/// <summary>Registers the Data layer's services with a service collection.</summary>
public static class StrataDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Data layer: an <see cref="IVectorDatabase"/> chosen by <c>Data:Provider</c> (see
    /// <see cref="VectorDatabaseConfiguration.Create"/>) and the same database as a Microsoft.Extensions.VectorData
    /// <see cref="VectorStore"/>. A bad provider or a missing connection string fails here, at startup.
    /// </summary>
    public static IServiceCollection AddStrataData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.FirstRegistration<IVectorDatabase>(nameof(AddStrataData)))
        {
            return services;
        }

        services.AddStrataCore(configuration);
        // Checked now, not at the first request: a postgres provider without a connection string is a start-up error.
        VectorDatabaseConfiguration.ConnectionString(services.GetStrataOptions<DataOptions>(), configuration);
        services.TryAddSingleton(provider => VectorDatabaseConfiguration.Create(
            provider.GetRequiredService<DataOptions>(), provider.GetRequiredService<StrataPaths>(), provider.GetRequiredService<IConfiguration>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("Strata.Data")));
        services.TryAddSingleton<VectorStore>(provider => StrataVectorStoreServiceCollectionExtensions.CreateStore(provider));
        return services;
    }
}

/// <summary>Builds the configured vector database, for the service collection and for benchmarks alike.</summary>
public static class VectorDatabaseConfiguration
{
    /// <summary>
    /// The database <c>Data:Provider</c> names: <c>embedded</c> (default; collections in <c>Data:Directory</c>, else
    /// <c>$STRATA_HOME/data</c>) or <c>postgres</c> (connection string in <c>Data:ConnectionString</c>, else
    /// <c>ConnectionStrings:Strata</c>). PostgreSQL is reached lazily: a server that cannot be reached fails the first
    /// operation with a message naming host, port, database and user (never the password).
    /// </summary>
    public static IVectorDatabase Create(DataOptions options, StrataPaths paths, IConfiguration configuration, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        return ConnectionString(options, configuration) is { } connectionString
            ? new PostgresVectorDatabase(connectionString)
            : new EmbeddedVectorDatabase(options.Directory is { Length: > 0 } directory ? directory : paths.Data, logger);
    }

    /// <summary>The PostgreSQL connection string when the provider is <c>postgres</c>; null for the embedded store.</summary>
    /// <exception cref="StrataDataException">The provider is <c>postgres</c> but no connection string is set.</exception>
    public static string? ConnectionString(DataOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        if (options.NormalizedProvider != DataOptions.Postgres)
        {
            return null;
        }

        var connectionString = options.ConnectionString is { Length: > 0 } value ? value : configuration.GetConnectionString("Strata");
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new StrataDataException("Data:Provider is 'postgres' but no connection string is set: set Data:ConnectionString (or ConnectionStrings:Strata), for example 'Host=db;Database=strata;Username=strata;Password=…'.")
            : connectionString;
    }
}
