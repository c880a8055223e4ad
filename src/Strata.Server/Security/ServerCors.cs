using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Server.Security;

/// <summary>Cross-origin access only for the origins listed in <c>Server:Cors:Origins</c>; none by default.</summary>
public static class ServerCors
{
    /// <summary>Adds the default CORS policy from configuration.</summary>
    public static IServiceCollection AddStrataCors(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Server:Cors:Origins");
        var origins = section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        return services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod();
            }
        }));
    }
}
