namespace Strata.Server.Security;

/// <summary>
/// Whether the server runs its per-request browser checks (<see cref="BrowserRequestGuard"/>) and sets its security
/// headers (<see cref="SecurityHeaders"/>). Always on: no configuration key reaches this. Only code that builds the
/// server and replaces this service can turn them off, which the request-overhead benchmark (<c>strata bench server
/// --request-checks</c>) does to measure what they cost.
/// </summary>
/// <param name="Enabled">Whether the checks run.</param>
public sealed record RequestChecks(bool Enabled)
{
    /// <summary>The checks on, as every server runs.</summary>
    public static RequestChecks On { get; } = new(true);
}
