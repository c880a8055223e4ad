using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core;
using Strata.Data;
using Strata.Models;
using Strata.Monitoring;
using Strata.Orchestration;
using Strata.Synthesis;

namespace Strata.Server;

/// <summary>The one composition root: every layer, wired the same way for <c>strata serve</c> and every other command.</summary>
public static class StrataServiceCollectionExtensions
{
    /// <summary>
    /// Adds every layer: the shared configuration, paths and options (validated now, naming a bad key), the model
    /// store and catalog, the vector database, RAG, image synthesis with its run tracking, and the run and trace
    /// stores. Recording telemetry is started by the host (<c>AddStrataTelemetry</c>, which the server adds) or, in a
    /// process without one, by the process itself (the command line does). Services registered before this call win,
    /// so a host or test can replace any of them.
    /// </summary>
    /// <exception cref="Core.Errors.StrataConfigurationException">A configuration value is invalid.</exception>
    public static IServiceCollection AddStrata(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services
            .AddStrataCore(configuration)
            .AddStrataModels(configuration)
            .AddStrataData(configuration)
            .AddStrataOrchestration(configuration)
            .AddStrataSynthesis(configuration)
            .AddStrataMonitoring(configuration);
    }
}
