using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.OpenAi;

public sealed class EmbeddingsEndpointTests(ServerWithModelsFixture fixture) : IClassFixture<ServerWithModelsFixture>
{
    [Fact]
    public async Task An_array_input_gets_one_normalised_minilm_vector_per_string()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = new[] { "A man is eating food.", "A cat sleeps." } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        var data = body.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        Assert.Equal([0, 1], data.Select(d => d.GetProperty("index").GetInt32()));
        var vector = data[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Base64_encoding_carries_the_same_floats()
    {
        var asFloats = await EmbedAsync(new { model = "minilm", input = "hello world" });
        var asBase64 = await EmbedAsync(new { model = "minilm", input = "hello world", encoding_format = "base64" });

        var floats = asFloats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var decoded = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(asBase64.GetProperty("data")[0].GetProperty("embedding").GetString()!)).ToArray();
        Assert.Equal(floats, decoded);
    }

    [Theory]
    [InlineData("""{"model":"minilm"}""", "input")]
    [InlineData("""{"model":"minilm","input":[1,2,3]}""", "input")]
    [InlineData("""{"model":"minilm","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"input":"x"}""", "model")]
    public async Task Invalid_requests_get_400_naming_the_field(string json, string param)
    {
        var response = await fixture.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_unknown_model_gets_404_model_not_found()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/embeddings", new { model = "no-such-model", input = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("model_not_found", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Malformed_json_gets_400_without_server_details()
    {
        var response = await fixture.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), new StringContent("{\"model\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("not valid JSON", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Paths.Home, text, StringComparison.Ordinal);
    }

    private async Task<JsonElement> EmbedAsync(object request)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/embeddings", request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
