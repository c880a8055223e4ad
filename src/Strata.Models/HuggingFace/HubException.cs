using System.Net;
using Strata.Models.Store;

namespace Strata.Models.HuggingFace;

/// <summary>A Hugging Face Hub pull failed for a reason the user can act on; the message says which.</summary>
public sealed class HubException : ModelStoreException
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public HubException(string message, HttpStatusCode? statusCode = null) : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public HubException(string message, Exception innerException, HttpStatusCode? statusCode = null) : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the Hub answered with, when the failure was an HTTP error.</summary>
    public HttpStatusCode? StatusCode { get; }
}
