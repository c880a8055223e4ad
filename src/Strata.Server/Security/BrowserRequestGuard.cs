using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Strata.Core.Options;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Security;

/// <summary>
/// Keeps web pages the user happens to visit from driving the server through the user's browser, before any route runs:
/// <list type="bullet">
/// <item>Without API keys, only loopback Host names (<c>127.0.0.1</c>, <c>[::1]</c>, <c>localhost</c>, with the port the
/// server answered on) and <c>Server:AllowedHosts</c> are served, so a DNS-rebound name gets 403.</item>
/// <item>A request that a browser marks as coming from another site or another origin (another port included) is
/// refused with 403, unless its <c>Origin</c> is in <c>Server:Cors:Origins</c>. Top-level navigations with GET stay
/// allowed, so a link to the UI works from anywhere. With API keys, a request that carries a key header is not
/// checked: the key is the protection, and the CORS list decides which pages may read answers.</item>
/// </list>
/// The decisions are pure functions over header values, table-tested apart from the HTTP writing.
/// </summary>
public sealed class BrowserRequestGuard
{
    /// <summary>
    /// The header the web UI's scripts send, and that API clients send on multipart uploads without a key. A page on
    /// another origin cannot add it without a CORS preflight, which the server refuses for origins not listed.
    /// </summary>
    public const string ScriptHeader = "X-Strata-Request";

    private readonly RequestDelegate next;
    private readonly bool keyless;
    private readonly HashSet<string> allowedHosts;
    private readonly HashSet<string> corsOrigins;

    /// <summary>Creates the guard for the bound server options.</summary>
    public BrowserRequestGuard(RequestDelegate next, ServerOptions options, ApiKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        this.next = next;
        keyless = keys.IsEmpty;
        allowedHosts = options.AllowedHosts.Where(h => h.Length > 0).Select(h => h.Trim().TrimEnd('.')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        corsOrigins = options.Cors.Origins.Where(o => o.Length > 0).Select(o => o.Trim().TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Refuses the request with 403 when its Host or its origin is not allowed; otherwise runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (keyless && !IsAllowedHost(request.Host, context.Connection.LocalPort, request.IsHttps, allowedHosts))
        {
            return ErrorShape.Write(context, StatusCodes.Status403Forbidden,
                $"This server has no API keys, so it answers only to 127.0.0.1, [::1] and localhost (with its port), not to Host '{Printable(request.Host.Value)}'. " +
                "Add the name to Server:AllowedHosts, or set API keys.",
                "invalid_request_error", "host_not_allowed");
        }

        if ((keyless || !CarriesKey(request.Headers))
            && IsRefusedCrossSite(request.Method, request.Headers.Origin, request.Headers["Sec-Fetch-Site"], request.Headers["Sec-Fetch-Mode"],
                request.Scheme, request.Host, corsOrigins))
        {
            return ErrorShape.Write(context, StatusCodes.Status403Forbidden,
                "Cross-site request refused: this server answers only its own pages and the origins listed in Server:Cors:Origins" +
                (StringValues.IsNullOrEmpty(request.Headers.Origin) ? "." : $" (this request came from '{Printable(request.Headers.Origin.ToString())}')."),
                "invalid_request_error", "cross_site_request");
        }

        return next(context);
    }

    /// <summary>
    /// Whether a server without keys answers to <paramref name="host"/>: a loopback IP address or <c>localhost</c>, on
    /// <paramref name="localPort"/> (no port means the scheme's default), or any port of a name in <paramref name="extra"/>.
    /// An absent Host (HTTP/1.0) is allowed: browsers always send one, so rebinding cannot hide it.
    /// </summary>
    internal static bool IsAllowedHost(HostString host, int localPort, bool https, IReadOnlySet<string> extra)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host;
        if (extra.Count > 0 && extra.Contains(name))
        {
            return true;
        }

        var loopback = name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name.AsSpan().Trim('[').TrimEnd(']'), out var address) && IPAddress.IsLoopback(address));
        return loopback && (host.Port ?? (https ? 443 : 80)) == localPort;
    }

    /// <summary>
    /// Whether a request is refused as cross-site. An <paramref name="origin"/> listed in <paramref name="corsOrigins"/> is
    /// always allowed. Otherwise the browser's own verdict, <c>Sec-Fetch-Site</c>, decides when present (it survives
    /// proxies that rewrite Host): only <c>same-origin</c> and <c>none</c> (typed, bookmarked) pass, plus GET or HEAD
    /// navigations from anywhere. Without it, an <c>Origin</c> other than the request's own scheme and Host is refused.
    /// A request with neither header comes from a program, not a page, and passes.
    /// </summary>
    internal static bool IsRefusedCrossSite(
        string method, StringValues origin, StringValues fetchSite, StringValues fetchMode, string scheme, HostString host, IReadOnlySet<string> corsOrigins)
    {
        var hasOrigin = !StringValues.IsNullOrEmpty(origin);
        if (hasOrigin && corsOrigins.Count > 0 && corsOrigins.Contains(origin.ToString()))
        {
            return false;
        }

        if (!StringValues.IsNullOrEmpty(fetchSite))
        {
            var site = fetchSite.ToString();
            if (site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) || site.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            return !(fetchMode.ToString().Equals("navigate", StringComparison.OrdinalIgnoreCase) && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)));
        }

        return hasOrigin && !IsSameOrigin(origin.ToString(), scheme, host);
    }

    private static bool IsSameOrigin(string origin, string scheme, HostString host)
    {
        // "http://127.0.0.1:8080": the scheme, "://", then the Host header as sent (browsers omit default ports in both).
        return host.HasValue && origin.Length == scheme.Length + 3 + host.Value!.Length
            && origin.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && origin.AsSpan(scheme.Length, 3).SequenceEqual("://")
            && origin.AsSpan(scheme.Length + 3).Equals(host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the request presents an API key (right or wrong: a wrong one is answered 401 later).</summary>
    internal static bool CarriesKey(IHeaderDictionary headers) =>
        !StringValues.IsNullOrEmpty(headers.Authorization) || !StringValues.IsNullOrEmpty(headers["x-api-key"]);

    // Header values are echoed in a JSON message: keep them short and free of control characters.
    private static string Printable(string? value)
    {
        value ??= "";
        var cleaned = new string(value.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 200 ? cleaned + "…" : cleaned;
    }
}
