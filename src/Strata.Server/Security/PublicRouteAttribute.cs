namespace Strata.Server.Security;

/// <summary>Endpoint metadata marking a route that needs no API key (health checks). Everything else does.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class PublicRouteAttribute : Attribute;
