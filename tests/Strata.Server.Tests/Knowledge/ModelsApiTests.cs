using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Server.Tests.Knowledge;

public sealed class ModelsApiTests
{
    [Fact]
    public async Task The_list_shows_the_built_in_embedding_model_and_unknown_deletes_are_404()
    {
        await using var server = await RunningServer.StartAsync();

        var models = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        var minilm = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "minilm");
        Assert.Equal(["embeddings"], minilm.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        await ApiAssert.ErrorAsync(await server.Client.DeleteAsync(new Uri("/api/models/no-such-model", UriKind.Relative)), HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task A_stored_model_is_deleted()
    {
        await using var server = await RunningServer.StartAsync();
        var file = Path.Combine(server.Paths.Home, "tiny.gguf");
        Directory.CreateDirectory(server.Paths.Home);
        Strata.Models.TestSupport.TinyLlamaGguf.Write(file, new Strata.Models.TestSupport.TinyLlamaOptions());
        await new Strata.Models.Store.ModelImporter(new Strata.Models.Store.ModelStore(server.Paths)).ImportAsync(file, "tiny");

        var models = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        var tiny = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "tiny");
        Assert.Equal("import:tiny.gguf", tiny.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(new Uri("/api/models/tiny", UriKind.Relative))).StatusCode);
        models = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        Assert.DoesNotContain(models.EnumerateArray(), m => m.GetProperty("name").GetString() == "tiny");
    }

    [Theory]
    [InlineData("""{}""", "missing_required_parameter")]
    [InlineData("""{"source":"https://example.com/model.gguf"}""", "invalid_source")]
    [InlineData("""{"source":"hf://only-owner"}""", "invalid_source")]
    public async Task A_pull_of_a_bad_source_is_refused_before_streaming(string json, string code)
    {
        await using var server = await RunningServer.StartAsync();
        var response = await server.Client.PostAsync(new Uri("/api/models/pull", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await ApiAssert.ErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData(null, "text/event-stream")]
    [InlineData("application/x-ndjson", "application/x-ndjson")]
    public async Task A_pull_that_cannot_reach_the_hub_streams_an_error_event(string? accept, string contentType)
    {
        // Nothing listens on the discard port of loopback: the pull fails fast, as it would offline.
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["HuggingFace:Endpoint"] = "http://127.0.0.1:9" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/pull") { Content = JsonContent.Create(new { source = "hf://owner/repo" }) };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var json = accept is null
            ? text.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]
            : text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        using var last = JsonDocument.Parse(json);
        Assert.Equal("error", last.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(last.RootElement.GetProperty("message").GetString()));
        if (accept is null)
        {
            Assert.Contains("event: error", text, StringComparison.Ordinal);
        }
    }
}
