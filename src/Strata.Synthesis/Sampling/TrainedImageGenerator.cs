#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI; the server will serve it as is.
using Microsoft.Extensions.AI;
using Strata.Models.Store;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Imaging;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// A model trained by <c>strata train</c> (GAN or diffusion, chosen by its config) behind Microsoft.Extensions.AI's
/// <see cref="IImageGenerator"/>, so <c>/v1/images/generations</c> can serve it. The models are unconditional: the
/// prompt is ignored. Set <c>AdditionalProperties["seed"]</c> for reproducible images, and for diffusion models
/// <c>AdditionalProperties["steps"]</c> (DDIM steps) and <c>["sampler"]</c> (<c>ddim</c> or <c>ddpm</c>);
/// <see cref="ImageGenerationOptions.Count"/> picks how many (default 1).
/// </summary>
public sealed class TrainedImageGenerator : IImageGenerator
{
    /// <summary>The most images one request may ask for.</summary>
    public const int MaxCount = 64;

    private readonly IImageSampler sampler;
    private readonly string modelName;
    private readonly Lock gate = new();

    /// <summary>Loads model <paramref name="name"/> from <paramref name="store"/>.</summary>
    public TrainedImageGenerator(ModelStore store, string name)
    {
        sampler = TrainedModel.Load(store, name);
        modelName = name;
    }

    /// <inheritdoc/>
    public Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var count = options?.Count ?? 1;
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Count must be 1..{MaxCount}.");
        }

        var properties = options?.AdditionalProperties;
        var seed = properties?.TryGetValue("seed", out var value) == true && value is not null
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.NextInt64();
        var steps = properties?.TryGetValue("steps", out var stepsValue) == true && stepsValue is not null
            ? Convert.ToInt32(stepsValue, System.Globalization.CultureInfo.InvariantCulture)
            : (int?)null;
        var samplerName = properties?.TryGetValue("sampler", out var samplerValue) == true ? samplerValue?.ToString() : null;
        ImageSet images;
        lock (gate)
        {
            // TorchSharp modules are not safe to run from several threads at once.
            images = sampler.Sample(count, seed, new SamplingOptions(samplerName, steps));
        }

        var contents = new List<AIContent>(count);
        for (var i = 0; i < count; i++)
        {
            contents.Add(new DataContent(ImageGrid.EncodePng(images, i), "image/png"));
        }

        return Task.FromResult(new ImageGenerationResponse(contents) { RawRepresentation = modelName });
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => sampler.Dispose();
}
