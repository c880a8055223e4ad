using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core.Options;
using Strata.Server.Protocols;

namespace Strata.Server.Security;

/// <summary>
/// Per-client request rate limits (ASP.NET Core rate limiting): a token bucket per configured API key (by its
/// <see cref="ApiKeyIdentity"/>, the same whichever header or spelling carried it), or per remote address for requests
/// without a key (keyless servers, the web UI's session). Over the limit is 429 with <c>Retry-After</c>, in OpenAI's shape.
/// </summary>
public static class ServerRateLimits
{
    /// <summary>Adds the limiter: <c>Server:RateLimit:RequestsPerMinute</c> (default 600; 0 turns it off).</summary>
    public static IServiceCollection AddStrataRateLimits(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = options.RateLimit.RequestsPerMinute;
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                perMinute <= 0 || context.GetEndpoint()?.Metadata.GetMetadata<PublicRouteAttribute>() is not null
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perMinute,
                        TokensPerPeriod = perMinute,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(ErrorShape.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                    "Too many requests for this API key; retry after the time in the Retry-After header.", "rate_limit_exceeded", "rate_limit_exceeded"));
            };
        });
    }

    // Runs after ApiKeyMiddleware: one bucket per configured key however it was sent, else one per client address.
    private static string ClientKey(HttpContext context) =>
        ApiKeyIdentity.Of(context) is { ByKey: true } identity ? "key:" + identity.Id : "ip:" + context.Connection.RemoteIpAddress;
}
