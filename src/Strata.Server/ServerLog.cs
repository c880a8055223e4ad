using Microsoft.Extensions.Logging;

namespace Strata.Server;

/// <summary>The server's own log messages, source-generated.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Strata is serving on {Urls} (STRATA_HOME {Home}); {Access}")]
    public static partial void ServerStarted(this ILogger logger, string urls, string home, string access);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Strata is stopping")]
    public static partial void ServerStopping(this ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Streamed response to {Path} failed after it started; the stream ended with an error event")]
    public static partial void StreamFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "API keys and session cookies travel in clear text on {Urls}: serve https (Server:Certificate:Path) or put a TLS proxy in front")]
    public static partial void KeysOverPlainHttp(this ILogger logger, string urls);
}
