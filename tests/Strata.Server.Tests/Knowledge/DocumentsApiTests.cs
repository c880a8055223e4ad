using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.Knowledge;

public sealed class DocumentsApiTests(KnowledgeServerFixture fixture) : IClassFixture<KnowledgeServerFixture>
{
    private const string Lighthouse = """
        # The lighthouse of Pellan

        The lighthouse of Pellan was built in 1874 from granite quarried on the island. Its lamp burned whale oil until
        1902, when a paraffin burner replaced it. The keeper, Mara Voss, kept the light for forty-one years.
        """;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task An_uploaded_document_goes_from_queued_to_ready_and_answers_with_a_citation_to_its_chunk()
    {
        await CreateAsync("docs");
        var accepted = await ApiAssert.OkAsync(await UploadAsync("docs", ("lighthouse.md", Encoding.UTF8.GetBytes(Lighthouse))), HttpStatusCode.Accepted);
        Assert.Equal("lighthouse.md", accepted[0].GetProperty("document").GetString());
        Assert.Contains(accepted[0].GetProperty("state").GetString(), new[] { "queued", "processing", "ready" });

        var ready = await WaitForStateAsync("docs", "lighthouse.md");
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.Equal(["extract", "chunk", "embed", "store"], ready.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        Assert.True(ready.GetProperty("chunks").GetInt32() >= 1);
        var listed = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/docs/documents", UriKind.Relative)));
        Assert.Equal(["lighthouse.md"], listed.EnumerateArray().Select(d => d.GetProperty("document").GetString()));
        var chunks = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/docs/documents/lighthouse.md/chunks", UriKind.Relative)));
        Assert.Contains("Mara Voss", chunks[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        var answer = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/docs/ask", new { question = "Who kept the light of Pellan?" }));
        Assert.True(answer.GetProperty("extractive").GetBoolean());
        Assert.Contains("Mara Voss", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citation = answer.GetProperty("citations")[0];
        Assert.Equal(1, citation.GetProperty("n").GetInt32());
        Assert.Equal("lighthouse.md", citation.GetProperty("document").GetString());
        Assert.Equal("/knowledge/document?collection=docs&document=lighthouse.md#chunk-0", citation.GetProperty("link").GetString());
        Assert.DoesNotContain(fixture.Server.Paths.Home, answer.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Paths.Home, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_ask_sends_answer_deltas_then_the_citations_then_done()
    {
        await CreateAsync("stream");
        await UploadAsync("stream", ("lighthouse.md", Encoding.UTF8.GetBytes(Lighthouse)));
        await WaitForStateAsync("stream", "lighthouse.md");

        var response = await Client.PostAsJsonAsync("/api/collections/stream/ask", new { question = "When was the lamp replaced?", stream = true, mode = "bm25" });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal("delta", events[0].Name);
        Assert.Equal(["citations", "done"], events.Skip(events.Count - 2).Select(e => e.Name));
        Assert.All(events.SkipLast(2), e => Assert.Equal("delta", e.Name));
        var streamed = string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        var final = events[^2].Data;
        Assert.Equal(final.GetProperty("answer").GetString(), streamed);
        Assert.Equal("lighthouse.md", final.GetProperty("citations")[0].GetProperty("document").GetString());
    }

    [Fact]
    public async Task Upload_names_are_made_safe_and_stay_inside_the_collection_uploads()
    {
        await CreateAsync("names");
        var accepted = await ApiAssert.OkAsync(await UploadAsync("names", ("../../../evil notes.txt", "Tide tables for the harbour."u8.ToArray())), HttpStatusCode.Accepted);

        // The space had to go, so the name carries a hash of the name as sent (another "evil_notes.txt" stays apart).
        var name = accepted[0].GetProperty("document").GetString()!;
        Assert.Matches("^evil_notes-[0-9a-f]{8}\\.txt$", name);
        Assert.True(File.Exists(Path.Combine(fixture.Server.Paths.Home, "uploads", "names", name)));
        Assert.Equal("ready", (await WaitForStateAsync("names", name)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_document_that_cannot_be_read_fails_with_its_reason_and_others_still_ingest()
    {
        await CreateAsync("broken");
        await UploadAsync("broken", ("broken.pdf", "%PDF-1.7 this is not really a pdf"u8.ToArray()), ("fine.txt", "The harbour closes at dusk."u8.ToArray()));

        var failed = await WaitForStateAsync("broken", "broken.pdf");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("reason").GetString()));
        Assert.Equal("ready", (await WaitForStateAsync("broken", "fine.txt")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Oversized_uploads_get_413_and_bad_uploads_a_clear_4xx()
    {
        await CreateAsync("limits");

        await ApiAssert.ErrorAsync(await UploadAsync("limits", ("big.txt", new byte[KnowledgeServerFixture.MaxUploadBytes + 1])), HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        await ApiAssert.ErrorAsync(await UploadAsync("limits", ("huge.txt", new byte[KnowledgeServerFixture.MaxUploadBytes * 4])), HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/limits/documents", new { file = "x" }), HttpStatusCode.BadRequest, "invalid_content_type");
        await ApiAssert.ErrorAsync(await UploadAsync("nope", ("a.txt", "a"u8.ToArray())), HttpStatusCode.NotFound, "collection_not_found");
        await ApiAssert.ErrorAsync(await Client.GetAsync(new Uri("/api/collections/limits/documents/missing.txt", UriKind.Relative)), HttpStatusCode.NotFound, "document_not_found");
        var empty = await Client.GetAsync(new Uri("/api/collections/limits/documents", UriKind.Relative));
        Assert.Equal(0, (await ApiAssert.OkAsync(empty)).GetArrayLength());
    }

    [Fact]
    public async Task Ask_rejects_a_missing_question_and_a_bad_mode()
    {
        await CreateAsync("askerrors");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/askerrors/ask", new { question = " " }), HttpStatusCode.BadRequest, "missing_required_parameter");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/askerrors/ask", new { question = "why?", mode = "psychic" }), HttpStatusCode.BadRequest, "invalid_value");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/askerrors/ask", new { question = "why?", model = "no-such-chat-model" }), HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task A_dropped_collection_takes_its_ledger_and_uploads_so_a_new_one_ingests_the_same_file_again()
    {
        await CreateAsync("redo");
        await UploadAsync("redo", ("lighthouse.md", Encoding.UTF8.GetBytes(Lighthouse)));
        Assert.Equal("ready", (await WaitForStateAsync("redo", "lighthouse.md")).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(new Uri("/api/collections/redo", UriKind.Relative))).StatusCode);

        Assert.False(Directory.Exists(Path.Combine(fixture.Server.Paths.Home, "uploads", "redo")));
        Assert.False(File.Exists(Path.Combine(fixture.Server.Paths.Home, "ingest", "redo.db")));
        await CreateAsync("redo");
        var accepted = await ApiAssert.OkAsync(await UploadAsync("redo", ("lighthouse.md", Encoding.UTF8.GetBytes(Lighthouse))), HttpStatusCode.Accepted);
        // Not "ready" at once: the new collection holds no chunks, so the same bytes are ingested again.
        Assert.Contains(accepted[0].GetProperty("state").GetString(), new[] { "queued", "processing" });
        var ready = await WaitForStateAsync("redo", "lighthouse.md");
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        var chunks = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/redo/documents/lighthouse.md/chunks", UriKind.Relative)));
        Assert.Contains("Mara Voss", chunks[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private async Task CreateAsync(string name) =>
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections", new { name }), HttpStatusCode.Created);

    private Task<HttpResponseMessage> UploadAsync(string collection, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "file", name);
        }

        // As the web UI's script does: a multipart upload without an API key carries the script header.
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/collections/{collection}/documents") { Content = form };
        request.Headers.Add("X-Strata-Request", "1");
        return Client.SendAsync(request);
    }

    /// <summary>Polls the document until ingestion has finished with it, as the web UI does.</summary>
    private async Task<JsonElement> WaitForStateAsync(string collection, string document)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var state = await ApiAssert.OkAsync(await Client.GetAsync(new Uri($"/api/collections/{collection}/documents/{document}", UriKind.Relative)));
            if (state.GetProperty("state").GetString() is "ready" or "failed")
            {
                return state;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{document} did not finish ingesting within a minute.");
    }

    private static List<(string Name, JsonElement Data)> ParseEvents(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            var name = lines.First(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            using var data = JsonDocument.Parse(lines.First(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]);
            return (name, data.RootElement.Clone());
        }).ToList();
}
