#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using SkiaSharp;
using Strata.Server.Images;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary>
/// <c>POST /v1/images/generations</c> in OpenAI's shape, served by the stored image models through
/// <see cref="IImageGenerator"/>: <c>b64_json</c> PNGs only (the server keeps no files to link to), <c>size</c> the
/// model's native size unless asked otherwise (then resized), and <c>seed</c> as an extension for reproducible images.
/// </summary>
public static class ImageGenerationEndpoints
{
    /// <summary>The most images one request may ask for (OpenAI's own cap).</summary>
    public const int MaxImages = 10;

    private const int MaxSide = 1024;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapImageGenerationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/images/generations", GenerateAsync).WithName("CreateImage").WithTags("OpenAI")
            .WithSummary("Generate images with a stored image model (b64_json PNGs; 'seed' extension for reproducible output)")
            .Produces<ImageGenerationResponseBody>().Produces<OpenAiError>(StatusCodes.Status400BadRequest).Produces<OpenAiError>(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task GenerateAsync(HttpContext context, ImageGenerators generators, ModelAdmission admission, RequestLimits limits)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException("The request body must be a JSON object.");
        }

        var prompt = JsonFields.String(root, "prompt", "") ?? "";
        if (prompt.Length > limits.MaxPromptCharacters)
        {
            throw new OpenAiRequestException($"'prompt' is longer than {limits.MaxPromptCharacters} characters.", "prompt", "invalid_value");
        }

        var name = JsonFields.String(root, "model", "") ?? generators.List().FirstOrDefault()?.Name
            ?? throw new OpenAiRequestException("No image model is stored: train one with 'strata train'.", "model", "model_not_found", StatusCodes.Status404NotFound);
        var count = JsonFields.Integer(root, "n") ?? 1;
        if (count is < 1 or > MaxImages)
        {
            throw new OpenAiRequestException($"'n' must be between 1 and {MaxImages}.", "n", "invalid_value");
        }

        var format = JsonFields.String(root, "response_format", "") ?? "b64_json";
        if (format != "b64_json")
        {
            throw new OpenAiRequestException($"'response_format' '{format}' is not supported: this server returns images inline only, use b64_json.",
                "response_format", "unsupported_response_format");
        }

        var seed = JsonFields.Integer(root, "seed");
        var model = generators.Find(name);
        var (width, height) = Size(JsonFields.String(root, "size", ""), model);
        using var turn = await admission.EnterAsync(model.Name, context.RequestAborted);
        var options = new ImageGenerationOptions { Count = (int)count, ModelId = model.Name, MediaType = "image/png" };
        if (seed is not null)
        {
            options.AdditionalProperties = new AdditionalPropertiesDictionary { ["seed"] = seed.Value };
        }

        var generated = await generators.Get(model).GenerateAsync(new ImageGenerationRequest(prompt), options, context.RequestAborted);
        var images = generated.Contents.OfType<DataContent>()
            .Select(png => new ImageData(Convert.ToBase64String(Resize(png.Data.ToArray(), width, height))))
            .ToList();
        await context.Response.WriteAsJsonAsync(new ImageGenerationResponseBody(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), images), context.RequestAborted);
    }

    /// <summary>The requested <c>WIDTHxHEIGHT</c>, the model's native size by default.</summary>
    private static (int Width, int Height) Size(string? size, ImageModelInfo model)
    {
        if (size is null or "auto")
        {
            return (model.Width, model.Height);
        }

        var parts = size.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && width is >= 1 and <= MaxSide && height is >= 1 and <= MaxSide)
        {
            return (width, height);
        }

        throw new OpenAiRequestException(
            $"'size' is '{size}'; expected WIDTHxHEIGHT up to {MaxSide}x{MaxSide}. Model '{model.Name}' makes {model.Width}x{model.Height} images natively.",
            "size", "invalid_size");
    }

    private static byte[] Resize(byte[] png, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(png);
        if (bitmap.Width == width && bitmap.Height == height)
        {
            return png;
        }

        using var resized = bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear));
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}

/// <summary>The body of a <c>/v1/images/generations</c> answer.</summary>
/// <param name="Created">Unix seconds.</param>
/// <param name="Data">The images.</param>
public sealed record ImageGenerationResponseBody([property: JsonPropertyName("created")] long Created, [property: JsonPropertyName("data")] IReadOnlyList<ImageData> Data);

/// <summary>One generated image.</summary>
/// <param name="B64Json">The PNG, base64-encoded.</param>
public sealed record ImageData([property: JsonPropertyName("b64_json")] string B64Json);
