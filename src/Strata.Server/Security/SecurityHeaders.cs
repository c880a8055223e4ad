using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Strata.Server.Components;

namespace Strata.Server.Security;

/// <summary>
/// Headers on every response, errors included: <c>X-Content-Type-Options: nosniff</c> (a JSON answer is never run as a
/// script or shown as a page) and a Content-Security-Policy with <c>frame-ancestors 'none'</c> (no page of this server
/// can be framed to trick a click). Pages may run only their own inline scripts, allowed by hash
/// (<see cref="PageScripts"/>); the API reference page (Scalar) gets a fresh nonce per response for its scripts.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>Where the API reference page finds its nonce (<c>HttpContext.Items</c>).</summary>
    public const string NonceItem = "strata.csp-nonce";

    /// <summary>Sets the headers, then runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase))
        {
            // base64url: nothing in it is HTML-escaped in the attribute, and CSP's nonce grammar allows it.
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
            context.Items[NonceItem] = nonce;
            // Scalar's bundle adds its styles at run time, so styles stay open on this one page (it holds no data).
            headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
                "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        }
        else
        {
            headers.ContentSecurityPolicy = PageScripts.ContentSecurityPolicy;
        }

        return next(context);
    }
}
