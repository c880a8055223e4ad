using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Strata.Core.Options;

/// <summary>Registers options classes bound once, at registration, so a bad value stops the start with the key named.</summary>
public static class StrataOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <typeparamref name="T"/> now and registers the instance (as itself and as
    /// <see cref="Microsoft.Extensions.Options.IOptions{TOptions}"/>). A registration already present wins, so a test or
    /// host can supply its own.
    /// </summary>
    /// <exception cref="Errors.StrataConfigurationException">A value does not convert or breaks a limit.</exception>
    public static IServiceCollection AddStrataOptions<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, IStrataOptions<T>, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(T)))
        {
            return services;
        }

        var options = StrataOptionsBinder.Bind<T>(configuration);
        services.TryAddSingleton(options);
        services.TryAddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        return services;
    }

    /// <summary>
    /// The <typeparamref name="T"/> instance registered by <see cref="AddStrataOptions{T}"/>, for registrations that
    /// must read a setting while the container is still being built (which exporters to add, say).
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not registered as an instance.</exception>
    public static T GetStrataOptions<T>(this IServiceCollection services)
        where T : class, IStrataOptions<T>, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(T))?.ImplementationInstance as T
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered; call AddStrataCore first.");
    }
}
