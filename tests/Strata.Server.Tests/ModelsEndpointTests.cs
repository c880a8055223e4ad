using System.Net;
using System.Text.Json;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests;

public sealed class ModelsEndpointTests
{
    [Fact]
    public async Task Health_answers_ok()
    {
        await using var server = await RunningServer.StartAsync();

        var response = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task V1_models_lists_the_model_store_in_openai_shape()
    {
        await using var server = await RunningServer.StartAsync();
        var file = Path.Combine(server.Paths.Home, "tiny.gguf");
        Directory.CreateDirectory(server.Paths.Home);
        TinyLlamaGguf.Write(file);
        await new ModelImporter(new ModelStore(server.Paths)).ImportAsync(file, "tiny");

        using var body = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        var model = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "tiny");
        Assert.Equal("tiny", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("strata", model.GetProperty("owned_by").GetString());
        Assert.True(model.GetProperty("created").GetInt64() > 1_700_000_000);
    }

    [Fact]
    public async Task An_empty_store_lists_the_built_in_embedding_model()
    {
        await using var server = await RunningServer.StartAsync();

        using var body = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        var model = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("minilm", model.GetProperty("id").GetString());
    }
}
