using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.Security;

/// <summary>
/// Web UI sessions: after the login form accepts an API key, the browser holds a random session token in an HttpOnly,
/// SameSite=Strict cookie, so pages and their fetch() calls authenticate without the key ever reaching script or HTML.
/// The server keeps only each token's SHA-256 and its expiry; a restart signs everyone out.
/// </summary>
public sealed class UiSessions
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "strata_session";

    /// <summary>How long a session lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, DateTimeOffset> sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session and sets its cookie on <paramref name="response"/>.</summary>
    public void Start(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = DateTimeOffset.UtcNow + Lifetime;
        foreach (var stale in sessions.Where(s => s.Value < DateTimeOffset.UtcNow).Select(s => s.Key).ToList())
        {
            sessions.TryRemove(stale, out _);
        }

        sessions[Digest(token)] = expires;
        response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            Expires = expires,
            IsEssential = true,
        });
    }

    /// <summary>Whether <paramref name="request"/> carries a live session cookie.</summary>
    public bool IsSignedIn(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies.TryGetValue(CookieName, out var token) && token is { Length: > 0 }
            && sessions.TryGetValue(Digest(token), out var expires) && expires > DateTimeOffset.UtcNow;
    }

    /// <summary>Whether <paramref name="request"/> carries a session cookie at all, live or not.</summary>
    public static bool HasCookie(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies.ContainsKey(CookieName);
    }

    /// <summary>Ends the request's session and clears its cookie.</summary>
    public void End(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && token is { Length: > 0 })
        {
            sessions.TryRemove(Digest(token), out _);
        }

        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict });
    }

    private static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
