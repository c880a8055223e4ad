using Microsoft.AspNetCore.Http;

namespace Strata.Server.OpenAi;

/// <summary>A request the server will not serve as sent; becomes an OpenAI-shaped error with <see cref="StatusCode"/>.</summary>
public sealed class OpenAiRequestException : Exception
{
    /// <summary>Creates the error.</summary>
    public OpenAiRequestException(string message, string? param = null, string? code = null, int statusCode = StatusCodes.Status400BadRequest)
        : base(message)
    {
        Param = param;
        Code = code;
        StatusCode = statusCode;
    }

    /// <summary>The request field at fault.</summary>
    public string? Param { get; }

    /// <summary>A machine-readable code.</summary>
    public string? Code { get; }

    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; }
}
