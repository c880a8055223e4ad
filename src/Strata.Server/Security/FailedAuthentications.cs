using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.RateLimiting;
using Strata.Core.Options;

namespace Strata.Server.Security;

/// <summary>
/// Counts requests refused for a missing or wrong key, per client address, so keys cannot be guessed by trying: past
/// <c>Server:RateLimit:FailedAuthPerMinute</c> failures an address gets 429 for every keyed request until its window
/// ends, right key included. Refusals are counted on the <c>strata.server.auth.failures</c> metric and are not kept as
/// trace spans, so a flood of them cannot push real traces out of the store.
/// </summary>
public sealed class FailedAuthentications : IDisposable
{
    /// <summary>The meter the server's own instruments live on (exported with every other <c>Strata.*</c> meter).</summary>
    public const string MeterName = "Strata.Server";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "strata.server.auth.failures", "{request}", "Requests refused for a missing or wrong API key or session, or refused after too many of those.");

    private readonly PartitionedRateLimiter<string>? limiter;

    /// <summary>Creates the counter from the bound options (0 failures a minute turns the limit off; the metric stays).</summary>
    public FailedAuthentications(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = options.RateLimit.FailedAuthPerMinute;
        if (perMinute > 0)
        {
            limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
                new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
        }
    }

    /// <summary>Whether <paramref name="address"/> has used up its failures for now.</summary>
    public bool IsBlocked(IPAddress? address) =>
        limiter is not null && limiter.GetStatistics(Key(address)) is { CurrentAvailablePermits: <= 0 };

    /// <summary>Counts one refusal of <paramref name="reason"/> from <paramref name="address"/> and drops its span.</summary>
    /// <param name="address">The client.</param>
    /// <param name="reason"><c>missing_key</c>, <c>invalid_key</c>, <c>invalid_session</c> or <c>limited</c>.</param>
    public void Record(IPAddress? address, string reason)
    {
        Failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (reason != "limited")
        {
            using var lease = limiter?.AttemptAcquire(Key(address));
        }

        if (Activity.Current is { } request)
        {
            // The request's span is not exported (exporters skip unrecorded activities): the counter above stands for it.
            request.IsAllDataRequested = false;
            request.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    /// <inheritdoc />
    public void Dispose() => limiter?.Dispose();

    // One bucket per IPv4 address, and per /64 for IPv6, where one client usually holds the whole prefix.
    private static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
