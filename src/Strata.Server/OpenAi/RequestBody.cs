using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.OpenAi;

/// <summary>Reads JSON request bodies with clear errors for malformed JSON and the 413 for oversized bodies.</summary>
internal static class RequestBody
{
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new OpenAiRequestException($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }
    }
}
