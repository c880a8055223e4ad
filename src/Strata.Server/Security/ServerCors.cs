using Microsoft.Extensions.DependencyInjection;
using Strata.Core.Options;

namespace Strata.Server.Security;

/// <summary>Cross-origin access only for the origins listed in <c>Server:Cors:Origins</c>; none by default.</summary>
public static class ServerCors
{
    /// <summary>Adds the default CORS policy from the bound server options.</summary>
    public static IServiceCollection AddStrataCors(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var origins = options.Cors.Origins.Where(origin => origin.Length > 0).ToArray();
        return services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod();
            }
        }));
    }
}
