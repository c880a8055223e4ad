using Microsoft.AspNetCore.Http;

namespace Strata.Server.Security;

/// <summary>
/// Who a request authenticated as, set by <see cref="ApiKeyMiddleware"/>: the id of the configured API key it presented
/// (however it was sent: <c>Authorization: Bearer</c> in any case and spacing, or <c>x-api-key</c>), or the web UI
/// session. Rate limits and usage are counted per <see cref="Id"/>; it never holds the key itself.
/// </summary>
/// <param name="Id"><c>sha256:</c> and 12 hex digits of the key's hash, or <c>session</c>.</param>
/// <param name="ByKey">Whether an API key (not a session cookie) authenticated the request.</param>
public sealed record ApiKeyIdentity(string Id, bool ByKey)
{
    /// <summary>The identity of <paramref name="context"/>, or null when keys are off or the route is public.</summary>
    public static ApiKeyIdentity? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ApiKeyIdentity>();
    }
}
