using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Benchmarks.Serving;

/// <summary>
/// One streamed answer over each protocol the server speaks, read the way its clients read it, so the HTTP vs
/// in-process comparison covers every stream format: OpenAI's chat chunks, the Responses API's typed events,
/// Anthropic's events and Ollama's NDJSON lines.
/// </summary>
internal static class ProtocolStreams
{
    public static readonly string[] Protocols = ["chat completions", "responses", "anthropic messages", "ollama chat"];

    /// <summary>Streams one answer; returns the time to the first text, the output tokens the protocol reports, and the status.</summary>
    public static async Task<(TimeSpan? FirstToken, long Tokens, HttpStatusCode Status)> StreamAsync(
        HttpClient http, string protocol, string model, string prompt, int maxTokens, Stopwatch clock, CancellationToken cancellationToken)
    {
        var (path, body) = protocol switch
        {
            "chat completions" => ("/v1/chat/completions", (object)new
            {
                model, messages = new[] { new { role = "user", content = prompt } }, max_tokens = maxTokens, temperature = 0, seed = 1, stream = true,
                stream_options = new { include_usage = true },
            }),
            "responses" => ("/v1/responses", new { model, input = prompt, max_output_tokens = maxTokens, temperature = 0, stream = true, store = false }),
            "anthropic messages" => ("/v1/messages", new { model, messages = new[] { new { role = "user", content = prompt } }, max_tokens = maxTokens, temperature = 0, stream = true }),
            "ollama chat" => ("/api/chat", new { model, messages = new[] { new { role = "user", content = prompt } }, stream = true, options = new { num_predict = maxTokens, temperature = 0, seed = 1 } }),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "unknown protocol"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (null, 0, response.StatusCode);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        TimeSpan? first = null;
        long tokens = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var json = line.StartsWith("data: {", StringComparison.Ordinal) ? line[6..] : line.StartsWith('{') ? line : null;
            if (json is null)
            {
                continue;
            }

            using var document = JsonDocument.Parse(json);
            var (text, reported) = Read(protocol, document.RootElement);
            if (first is null && text)
            {
                first = clock.Elapsed;
            }

            tokens = reported ?? tokens;
        }

        return (first, tokens, response.StatusCode);
    }

    // Whether an event carries text, and the output tokens it reports, if any.
    private static (bool Text, long? Tokens) Read(string protocol, JsonElement root) => protocol switch
    {
        "chat completions" => (
            root.GetProperty("choices").EnumerateArray().Any(c => c.GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 }),
            root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object ? usage.GetProperty("completion_tokens").GetInt64() : null),
        "responses" => (
            root.GetProperty("type").GetString() == "response.output_text.delta",
            root.GetProperty("type").GetString() is "response.completed" or "response.incomplete" ? root.GetProperty("response").GetProperty("usage").GetProperty("output_tokens").GetInt64() : null),
        "anthropic messages" => (
            root.GetProperty("type").GetString() == "content_block_delta",
            root.GetProperty("type").GetString() == "message_delta" ? root.GetProperty("usage").GetProperty("output_tokens").GetInt64() : null),
        _ => (
            root.TryGetProperty("message", out var message) && message.GetProperty("content").GetString() is { Length: > 0 },
            root.GetProperty("done").GetBoolean() ? root.GetProperty("eval_count").GetInt64() : null),
    };
}
