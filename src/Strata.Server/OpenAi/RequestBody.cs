using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.OpenAi;

/// <summary>Reads JSON request bodies with clear errors for malformed JSON and the 413 for oversized bodies.</summary>
internal static class RequestBody
{
    /// <summary>
    /// Parses the body as JSON. Only a body sent as <c>application/json</c> (or a <c>+json</c> type) is read: a
    /// <c>text/plain</c> one is what an HTML form or a script on another site can send without asking first, so it is
    /// refused with 415 like every other JSON route of the API.
    /// </summary>
    /// <exception cref="OpenAiRequestException">The content type is not JSON (415) or the body is not valid JSON (400).</exception>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            throw UnsupportedMediaType(context.Request.ContentType);
        }

        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new OpenAiRequestException($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }
    }

    /// <summary>The 415 for a body that is not JSON.</summary>
    public static OpenAiRequestException UnsupportedMediaType(string? contentType) => new(
        $"Send the request body as JSON with 'Content-Type: application/json' (this one was {(string.IsNullOrEmpty(contentType) ? "sent without a content type" : $"'{Truncated(contentType)}'")}).",
        code: "unsupported_media_type", statusCode: StatusCodes.Status415UnsupportedMediaType);

    private static string Truncated(string value) => value.Length > 100 ? value[..100] + "…" : value;
}
