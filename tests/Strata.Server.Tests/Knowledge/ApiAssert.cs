using System.Net;
using System.Text.Json;

namespace Strata.Server.Tests.Knowledge;

/// <summary>Checks on Strata API answers.</summary>
internal static class ApiAssert
{
    /// <summary>Asserts <paramref name="status"/> and the OpenAI error shape with <paramref name="code"/>; returns the message.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.DoesNotContain(Path.GetTempPath(), message, StringComparison.Ordinal);
        return message;
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.Clone();
    }
}
