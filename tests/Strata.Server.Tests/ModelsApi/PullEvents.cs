using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Server.Tests.ModelsApi;

/// <summary>One event of a <c>POST /api/models/pull</c> stream, as a client reads it.</summary>
/// <param name="Name">The SSE event name (null for NDJSON, which has none).</param>
/// <param name="Data">The event's JSON.</param>
internal sealed record PullEventRead(string? Name, JsonElement Data)
{
    public string Status => Data.GetProperty("status").GetString()!;

    public int FileNumber => Data.GetProperty("fileNumber").GetInt32();

    public long BytesDone => Data.GetProperty("bytesDone").GetInt64();

    public long TotalBytes => Data.GetProperty("totalBytes").GetInt64();

    public string? Text(string property) => Data.GetProperty(property).GetString();
}

/// <summary>Posts a pull and reads back its whole event stream.</summary>
internal static class PullEvents
{
    public const string Sse = "text/event-stream";

    public const string Ndjson = "application/x-ndjson";

    public static async Task<List<PullEventRead>> PullAsync(HttpClient client, object body, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/pull") { Content = JsonContent.Create(body) };
        request.Headers.Accept.ParseAdd(mediaType);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return mediaType == Sse ? ParseSse(text) : ParseNdjson(text);
    }

    private static List<PullEventRead> ParseSse(string text)
    {
        var events = new List<PullEventRead>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = Assert.Single(lines, l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = Assert.Single(lines, l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            using var json = JsonDocument.Parse(data);
            events.Add(new PullEventRead(name, json.RootElement.Clone()));
        }

        return events;
    }

    private static List<PullEventRead> ParseNdjson(string text)
    {
        var events = new List<PullEventRead>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            events.Add(new PullEventRead(null, json.RootElement.Clone()));
        }

        return events;
    }
}
