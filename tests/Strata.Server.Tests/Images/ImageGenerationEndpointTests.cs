using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkiaSharp;
using Strata.Core;
using Strata.Server.Tests.Knowledge;
using Strata.Synthesis.TestSupport;

namespace Strata.Server.Tests.Images;

/// <summary>libtorch's random generator and thread pool are process-wide: image tests never run beside other libtorch users.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibTorchCollection
{
    public const string Name = "libtorch";
}

/// <summary>A server whose store holds a freshly trained tiny GAN named <c>tiny-gan</c>.</summary>
public sealed class ImageServerFixture : IAsyncLifetime
{
    public const string Model = "tiny-gan";

    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-images-test-" + Guid.NewGuid().ToString("N")));
        await TinyGan.TrainAsync(paths, Model);
        server = await RunningServer.StartAsync(paths: paths);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[Collection(LibTorchCollection.Name)]
public sealed class ImageGenerationEndpointTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task A_seeded_request_returns_n_native_size_pngs_that_repeat_for_the_same_seed()
    {
        var first = await GenerateAsync(new { model = ImageServerFixture.Model, prompt = "a shirt", n = 2, seed = 5 });
        var again = await GenerateAsync(new { model = ImageServerFixture.Model, prompt = "a shirt", n = 2, seed = 5 });
        var other = await GenerateAsync(new { model = ImageServerFixture.Model, prompt = "a shirt", n = 2, seed = 6 });

        Assert.Equal(2, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        foreach (var png in first)
        {
            using var bitmap = SKBitmap.Decode(png);
            Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public async Task A_size_other_than_the_native_one_is_resized()
    {
        var images = await GenerateAsync(new { model = ImageServerFixture.Model, prompt = "x", size = "64x48", seed = 1 });

        using var bitmap = SKBitmap.Decode(images.Single());
        Assert.Equal((64, 48), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task The_models_api_lists_the_gan_as_an_image_model_with_its_native_size()
    {
        var models = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        var gan = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == ImageServerFixture.Model);
        Assert.Contains("images", gan.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("28x28", gan.GetProperty("imageSize").GetString());
    }

    [Theory]
    [InlineData("""{"model":"tiny-gan","prompt":"x","response_format":"url"}""", HttpStatusCode.BadRequest, "unsupported_response_format")]
    [InlineData("""{"model":"tiny-gan","prompt":"x","size":"big"}""", HttpStatusCode.BadRequest, "invalid_size")]
    [InlineData("""{"model":"tiny-gan","prompt":"x","size":"4096x4096"}""", HttpStatusCode.BadRequest, "invalid_size")]
    [InlineData("""{"model":"tiny-gan","prompt":"x","n":11}""", HttpStatusCode.BadRequest, "invalid_value")]
    [InlineData("""{"model":"tiny-gan","prompt":"x","n":"two"}""", HttpStatusCode.BadRequest, "invalid_type")]
    [InlineData("""{"model":"no-such-model","prompt":"x"}""", HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("""[1,2]""", HttpStatusCode.BadRequest, null)]
    public async Task Bad_requests_get_openai_shaped_errors(string json, HttpStatusCode status, string? code)
    {
        var response = await Client.PostAsync(new Uri("/v1/images/generations", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<List<byte[]>> GenerateAsync(object request)
    {
        var body = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/v1/images/generations", request));
        Assert.True(body.GetProperty("created").GetInt64() > 0);
        return body.GetProperty("data").EnumerateArray().Select(d => Convert.FromBase64String(d.GetProperty("b64_json").GetString()!)).ToList();
    }
}
