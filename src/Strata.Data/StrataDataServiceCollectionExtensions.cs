using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Postgres;
using Strata.Data.VectorData;
using Strata.Models.Configuration;

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
        VectorDatabaseConfiguration.Validate(configuration);
        services.TryAddSingleton(_ => StrataPaths.FromEnvironment());
        services.TryAddSingleton(serviceProvider => VectorDatabaseConfiguration.Create(configuration, serviceProvider.GetRequiredService<StrataPaths>().Data));
        services.TryAddSingleton<VectorStore>(serviceProvider => new StrataVectorStore(serviceProvider.GetRequiredService<IVectorDatabase>()));
        return services;
    }
}

/// <summary>Builds the configured vector database, for the service collection and for the command line alike.</summary>
public static class VectorDatabaseConfiguration
{
    /// <summary>The default backend: SQLite + Strata's HNSW, under <c>$STRATA_HOME/data</c>.</summary>
    public const string Embedded = "embedded";

    /// <summary>PostgreSQL with pgvector, at <c>Data:ConnectionString</c>.</summary>
    public const string Postgres = "postgres";

    /// <summary>
    /// The database <c>Data:Provider</c> names: <c>embedded</c> (default; collections in <c>Data:Directory</c>, else
    /// <paramref name="defaultDirectory"/>) or <c>postgres</c> (connection string in <c>Data:ConnectionString</c>, else
    /// <c>ConnectionStrings:Strata</c>). PostgreSQL is reached lazily: a server that cannot be reached fails the first
    /// operation with a message naming host, port, database and user (never the password).
    /// </summary>
    public static IVectorDatabase Create(IConfiguration configuration, string defaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Validate(configuration) == Postgres
            ? new PostgresVectorDatabase(ConnectionString(configuration)!)
            : new EmbeddedVectorDatabase(configuration["Data:Directory"] ?? defaultDirectory);
    }

    /// <summary>Checks the provider (and the connection string it needs); returns the provider, lower-case.</summary>
    public static string Validate(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = (configuration["Data:Provider"] ?? Embedded).Trim().ToLowerInvariant();
        switch (provider)
        {
            case Embedded:
                return provider;
            case Postgres or "postgresql" or "pgvector":
                if (string.IsNullOrWhiteSpace(ConnectionString(configuration)))
                {
                    throw new StrataDataException("Data:Provider is 'postgres' but no connection string is set: set Data:ConnectionString (or ConnectionStrings:Strata), for example 'Host=db;Database=strata;Username=strata;Password=…'.");
                }

                return Postgres;
            default:
                throw new StrataDataException($"Data:Provider '{configuration["Data:Provider"]}' is not known: use 'embedded' (the default) or 'postgres'.");
        }
    }

    private static string? ConnectionString(IConfiguration configuration) =>
        configuration["Data:ConnectionString"] is { Length: > 0 } value ? value : configuration.GetConnectionString("Strata");
}
