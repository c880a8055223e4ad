using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Core.Errors;
using Strata.Data;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Security;

/// <summary>
/// The one place exceptions become responses: every error is OpenAI-shaped JSON with the right status, and no
/// message carries a stack trace or a file system path. Unexpected errors are logged in full and answered with a
/// generic 500.
/// </summary>
public sealed class ErrorResponseMiddleware(RequestDelegate next, ILogger<ErrorResponseMiddleware> logger)
{
    /// <summary>Runs the rest of the pipeline and translates what it throws.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; generation was cancelled with it and there is no one to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (status, type, code, param, message) = Describe(e);
            if (status >= 500)
            {
                logger.LogError(e, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            }

            if (status == StatusCodes.Status429TooManyRequests)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            // In the shape of the route's protocol: OpenAI's, Anthropic's or Ollama's.
            await ErrorShape.Write(context, status, message, type, code, param);
        }
        catch (Exception e) when (context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // A stream that has begun (a model's runner died mid-answer, say) cannot change its status: it ends with an
            // error event in its protocol's shape. Any other started response can only be cut, as before.
            var (status, type, code, param, message) = Describe(e);
            if (!await StreamErrorEvent.TryWriteAsync(context, status, message, type, code, param))
            {
                throw;
            }

            logger.StreamFailed(e, context.Request.Path.Value ?? "");
        }
    }

    /// <summary>The response an exception becomes: a pure mapping, table-tested apart from the HTTP writing.</summary>
    internal static (int Status, string Type, string? Code, string? Param, string Message) Describe(Exception e) => e switch
    {
        OpenAiRequestException { StatusCode: 429 } busy => (429, "rate_limit_exceeded", busy.Code, null, busy.Message),
        OpenAiRequestException request => (request.StatusCode, "invalid_request_error", request.Code, request.Param, request.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "invalid_request_error", "request_too_large", null, "The request body is larger than this server accepts."),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (415, "invalid_request_error", "unsupported_media_type", null, "Send the request body as JSON with 'Content-Type: application/json'."),
        BadHttpRequestException { InnerException: System.Text.Json.JsonException json } =>
            (400, "invalid_request_error", "invalid_json", null, $"The request body does not fit this endpoint: {json.Message}"),
        BadHttpRequestException bad => (bad.StatusCode, "invalid_request_error", null, null, bad.StatusCode == 400 && bad.Message.Contains("anti-forgery", StringComparison.OrdinalIgnoreCase)
            ? "The form's antiforgery token is missing or invalid; reload the page and try again." : "The request could not be read."),
        // The request was fine, but no answer the model gave validated against its schema.
        Strata.Models.StructuredOutput.StructuredOutputException invalid => (422, "invalid_request_error", "output_validation_failed", invalid.Param, invalid.Message),
        StrataDataException { Kind: StrataErrorKind.Invalid } data => (400, "invalid_request_error", "invalid_data", data.Param, data.Message),
        ContextWindowExceededException context => (400, "invalid_request_error", "context_length_exceeded", "messages", context.Message),
        ModelCatalogException or ModelNotFoundException => (404, "invalid_request_error", "model_not_found", "model", e.Message),
        NotSupportedException => (400, "invalid_request_error", "unsupported", null, e.Message),
        // Every other domain error is answered by its kind, so a new exception type needs no new line here.
        StrataException { Kind: StrataErrorKind.NotFound } notFound => (404, "invalid_request_error", "not_found", notFound.Param, notFound.Message),
        StrataException { Kind: StrataErrorKind.Conflict } conflict => (409, "invalid_request_error", "conflict", conflict.Param, conflict.Message),
        StrataException { Kind: StrataErrorKind.Unavailable } down => (503, "server_error", "backend_unavailable", down.Param, down.Message),
        StrataException invalid => (400, "invalid_request_error", "invalid_request", invalid.Param, invalid.Message),
        _ => (500, "server_error", null, null, "The server failed to process the request; its log has the details."),
    };
}
