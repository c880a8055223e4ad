namespace Strata.Server.Security;

/// <summary>The server was asked to start with an unsafe or invalid configuration; the message says what to change.</summary>
public sealed class ServerConfigurationException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ServerConfigurationException(string message) : base(message)
    {
    }
}
