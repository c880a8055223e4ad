using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>
/// The web UI's sign-in: <c>POST /login</c> exchanges an API key (form field, antiforgery-checked) for a session
/// cookie; <c>POST /logout</c> ends it. The key is verified like a Bearer key and never written back.
/// </summary>
public static class LoginEndpoints
{
    private const string LoginPolicy = "login";

    /// <summary>Limits sign-in attempts per client address: keys must not be guessable by trying.</summary>
    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) =>
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(LoginPolicy, context =>
            RateLimitPartition.GetFixedWindowLimiter("login:" + context.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = 10,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/login", SignIn).WithMetadata(new PublicRouteAttribute()).RequireRateLimiting(LoginPolicy)
            .WithTags("Web UI").WithSummary("Sign in to the web UI with an API key (form post); sets an HttpOnly session cookie");
        routes.MapPost("/logout", SignOut).WithTags("Web UI").WithSummary("End the web UI session");
        return routes;
    }

    private static IResult SignIn([FromForm] string? key, [FromForm] string? returnUrl, ApiKeySet keys, UiSessions sessions, HttpContext context)
    {
        var target = IsLocal(returnUrl) ? ForLocation(returnUrl!) : "/";
        if (keys.IsEmpty)
        {
            return Results.Redirect(target);
        }

        if (string.IsNullOrEmpty(key) || !keys.Accepts(key))
        {
            return Results.Redirect("/login?failed=1&returnUrl=" + Uri.EscapeDataString(target));
        }

        sessions.Start(context.Response);
        return Results.Redirect(target);
    }

    private static IResult SignOut([FromForm] string? returnUrl, UiSessions sessions, HttpContext context)
    {
        sessions.End(context);
        return Results.Redirect("/login");
    }

    /// <summary>
    /// <paramref name="url"/> as a Location header may carry it: ASCII only (Kestrel refuses anything else, which would
    /// be a 500), so other characters and spaces are percent-encoded as UTF-8, as browsers do with a typed URL.
    /// </summary>
    internal static string ForLocation(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.All(c => c is > ' ' and < '\u007f'))
        {
            return url;
        }

        var builder = new System.Text.StringBuilder(url.Length + 16);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7f)
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Only paths on this server. "//host" and "/\host" are other hosts to a browser, and browsers drop tabs and line
    /// breaks from a URL before reading it, so "/&lt;TAB&gt;/host" is "//host" too: no control character and no backslash
    /// anywhere, one leading slash and not two. (CR/LF would also make the Location header itself invalid.)
    /// </summary>
    internal static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] != '/')
        && !url.Contains('\\', StringComparison.Ordinal) && !url.Any(char.IsControl);
}
